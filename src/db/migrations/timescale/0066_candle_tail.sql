-- The candle read of plain/0066 with the same signature and columns, so getCandles and `check candles`
-- have one call site on both flavours. Here the continuous aggregates are real-time (materialized buckets
-- plus the tail above each watermark, migration 0021), so it is the plain SELECT of the aggregate.
--   p_mint NULL = every token; p_from / p_to NULL = open-ended (from <= bucket < to).
CREATE FUNCTION megatron_candles(p_relation TEXT, p_width INTERVAL, p_mint TEXT, p_from TIMESTAMPTZ, p_to TIMESTAMPTZ)
RETURNS TABLE (token_id UUID, mint TEXT, bucket TIMESTAMPTZ, open NUMERIC, high NUMERIC, low NUMERIC, close NUMERIC,
               volume_token NUMERIC, volume_quote NUMERIC, trade_count BIGINT, buyer_count BIGINT, seller_count BIGINT)
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
    filters TEXT := concat(CASE WHEN p_mint IS NOT NULL THEN ' AND c.mint = $1' END,
                           CASE WHEN p_from IS NOT NULL THEN ' AND c.bucket >= $2' END,
                           CASE WHEN p_to IS NOT NULL THEN ' AND c.bucket < $3' END);
BEGIN
    IF p_relation NOT IN ('price_candles_1m', 'price_candles_5m', 'price_candles_1h', 'price_candles_1d') THEN
        RAISE EXCEPTION 'megatron_candles: unknown candle relation %', p_relation;
    END IF;
    RETURN QUERY EXECUTE format($q$
        SELECT c.token_id, c.mint, c.bucket, c.open, c.high, c.low, c.close, c.volume_token, c.volume_quote,
               c.trade_count, c.buyer_count, c.seller_count
        FROM %1$I c WHERE true %2$s ORDER BY 2, 3
    $q$, p_relation, filters) USING p_mint, p_from, p_to, p_width;
END;
$fn$;

-- Candles to the last commit (docs/analytics.md, "Candles"): one read for both flavours,
-- megatron_candles(relation, width, mint, from, to). The rollup tables serve what the last refresh
-- computed, except the buckets still marked in candle_dirty (trades committed since: a marked 1m bucket
-- makes the 5m, 1h and 1d buckets containing it pending too), which are computed from the trades at read
-- time with the refresh's own definitions — what TimescaleDB's real-time aggregates do above their
-- watermark (timescale/0066 is the same signature over the continuous aggregate). The result equals what
-- the next refresh materializes. Prices stay exact NUMERIC.
--
--   p_relation  price_candles_1m | _5m | _1h | _1d        p_width  its bucket width (1 minute, …, 1 day)
--   p_mint      one token, or NULL for every token         p_from / p_to  from <= bucket < to; NULL = open
--
-- The work beyond the rollup read is bounded by the pending buckets of the asked token(s): candle_dirty
-- holds what was marked since the last refresh (a minute of batches while the candles:refresh job runs).
CREATE FUNCTION megatron_candles(p_relation TEXT, p_width INTERVAL, p_mint TEXT, p_from TIMESTAMPTZ, p_to TIMESTAMPTZ)
RETURNS TABLE (token_id UUID, mint TEXT, bucket TIMESTAMPTZ, open NUMERIC, high NUMERIC, low NUMERIC, close NUMERIC,
               volume_token NUMERIC, volume_quote NUMERIC, trade_count BIGINT, buyer_count BIGINT, seller_count BIGINT)
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
    -- Only the filters that apply are spelled into the statement (no `$1 IS NULL OR …` for the planner).
    token_filter TEXT := CASE WHEN p_mint IS NULL THEN '' ELSE 'JOIN tokens t ON t.id = d.token_id AND t.mint_address = $1' END;
    mint_filter TEXT := CASE WHEN p_mint IS NULL THEN '' ELSE 'AND c.mint = $1' END;
    range_c TEXT := concat(CASE WHEN p_from IS NOT NULL THEN ' AND c.bucket >= $2' END, CASE WHEN p_to IS NOT NULL THEN ' AND c.bucket < $3' END);
    range_p TEXT := concat(CASE WHEN p_from IS NOT NULL THEN ' AND p.bucket >= $2' END, CASE WHEN p_to IS NOT NULL THEN ' AND p.bucket < $3' END);
BEGIN
    IF p_relation NOT IN ('price_candles_1m', 'price_candles_5m', 'price_candles_1h', 'price_candles_1d') THEN
        RAISE EXCEPTION 'megatron_candles: unknown candle relation %', p_relation;
    END IF;
    RETURN QUERY EXECUTE format($q$
        WITH pending AS MATERIALIZED (
            SELECT DISTINCT d.token_id, date_bin($4, d.bucket, TIMESTAMPTZ '2000-01-03 00:00:00+00') AS bucket
            FROM candle_dirty d %1$s)
        SELECT c.token_id, c.mint, c.bucket, c.open, c.high, c.low, c.close, c.volume_token, c.volume_quote,
               c.trade_count, c.buyer_count, c.seller_count
        FROM %2$I c
        WHERE true %3$s %4$s
          AND NOT EXISTS (SELECT 1 FROM pending p WHERE p.token_id = c.token_id AND p.bucket = c.bucket)
        UNION ALL
        SELECT x.token_id, x.mint, p.bucket,
               (array_agg(x.price_per_token ORDER BY megatron_trade_seq(x.block_time, x.slot, x.ix_index, x.inner_ix_index, x.signature)))[1],
               max(x.price_per_token), min(x.price_per_token),
               (array_agg(x.price_per_token ORDER BY megatron_trade_seq(x.block_time, x.slot, x.ix_index, x.inner_ix_index, x.signature) DESC))[1],
               sum(x.token_amount), sum(x.sol_amount), count(*),
               count(DISTINCT x.user_address) FILTER (WHERE x.type = 'buy'),
               count(DISTINCT x.user_address) FILTER (WHERE x.type = 'sell')
        FROM pending p
        JOIN transactions x ON x.token_id = p.token_id AND x.block_time >= p.bucket AND x.block_time < p.bucket + $4
        WHERE true %5$s
        GROUP BY x.token_id, x.mint, p.bucket
        ORDER BY 2, 3
    $q$, token_filter, p_relation, mint_filter, range_c, range_p) USING p_mint, p_from, p_to, p_width;
END;
$fn$;

-- The lean trade row, third step (issue #14): price_per_token and progress_pct as DOUBLE PRECISION
-- (15-17 significant digits; the exact amounts and reserves the price comes from stay BIGINT). Readers
-- render a stored price as `::numeric` (15 significant digits, decimal notation). The rollup tables keep
-- their NUMERIC prices: megatron_refresh_candles() inserts the doubles with the same cast, and the
-- real-time tail of megatron_candles() (0066, restated with the casts) computes what the refresh stores.
-- Rewrites every partition: the migration's time grows with the history.
ALTER TABLE transactions
    ALTER COLUMN price_per_token TYPE DOUBLE PRECISION,
    ALTER COLUMN progress_pct TYPE DOUBLE PRECISION;

CREATE OR REPLACE FUNCTION megatron_candles(p_relation TEXT, p_width INTERVAL, p_mint TEXT, p_from TIMESTAMPTZ, p_to TIMESTAMPTZ)
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
               (array_agg(x.price_per_token ORDER BY megatron_trade_seq(x.block_time, x.slot, x.ix_index, x.inner_ix_index, x.signature)))[1]::numeric,
               max(x.price_per_token)::numeric, min(x.price_per_token)::numeric,
               (array_agg(x.price_per_token ORDER BY megatron_trade_seq(x.block_time, x.slot, x.ix_index, x.inner_ix_index, x.signature) DESC))[1]::numeric,
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

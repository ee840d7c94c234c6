-- The trade writer records the 1m candle buckets it writes in candle_dirty itself, from the batch
-- (src/db/writer.ts, markCandleBuckets): the statement trigger that read every inserted trade back from a
-- transition table goes. candle_dirty loses its key: the writer appends one row per (token, minute) of a
-- batch without an index lookup per row, and the refresh merges repeats (DISTINCT below). On PostgreSQL 15,
-- 5,000-trade batches touching ~5,000 (token, minute) buckets: trigger ≈ 24 ms per batch, the keyed
-- ON CONFLICT insert from the writer ≈ 23 ms, the unkeyed insert ≈ 9 ms. Deleted trades are still marked
-- by trg_candles_dirty_delete (its ON CONFLICT DO NOTHING is a plain insert now). A trade inserted by hand
-- (not through the writer) must mark its bucket too:
--   INSERT INTO candle_dirty VALUES (<token_id>, date_bin('1 minute', <block_time>, TIMESTAMPTZ '2000-01-03 00:00:00+00'));
DROP TRIGGER trg_candles_dirty_insert ON transactions;
ALTER TABLE candle_dirty DROP CONSTRAINT candle_dirty_pkey;

-- As in 0021_price_candles.sql, with the repeats merged before recomputing.
CREATE OR REPLACE FUNCTION megatron_refresh_candles() RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
    toks UUID[];
    bks TIMESTAMPTZ[];
    r RECORD;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('megatron:candles'));
    -- candle_dirty holds each bucket once per batch that touched it: take them all, recompute each once.
    WITH taken AS (DELETE FROM candle_dirty RETURNING token_id, bucket)
    SELECT coalesce(array_agg(token_id), '{}'), coalesce(array_agg(bucket), '{}') INTO toks, bks
    FROM (SELECT DISTINCT token_id, bucket FROM taken) distinct_buckets;
    IF cardinality(toks) = 0 THEN
        RETURN 0;
    END IF;

    DELETE FROM price_candles_1m c USING unnest(toks, bks) AS d(t, b) WHERE c.token_id = d.t AND c.bucket = d.b;
    INSERT INTO price_candles_1m
    SELECT x.token_id, x.mint, d.b,
           (array_agg(x.price_per_token ORDER BY megatron_trade_seq(x.block_time, x.slot, x.ix_index, x.inner_ix_index, x.signature)))[1],
           max(x.price_per_token), min(x.price_per_token),
           (array_agg(x.price_per_token ORDER BY megatron_trade_seq(x.block_time, x.slot, x.ix_index, x.inner_ix_index, x.signature) DESC))[1],
           sum(x.token_amount), sum(x.sol_amount), count(*),
           count(DISTINCT x.user_address) FILTER (WHERE x.type = 'buy'),
           count(DISTINCT x.user_address) FILTER (WHERE x.type = 'sell'),
           coalesce(array_agg(DISTINCT x.user_address) FILTER (WHERE x.type = 'buy'), '{}'),
           coalesce(array_agg(DISTINCT x.user_address) FILTER (WHERE x.type = 'sell'), '{}')
    FROM unnest(toks, bks) AS d(t, b)
    JOIN transactions x ON x.token_id = d.t AND x.block_time >= d.b AND x.block_time < d.b + INTERVAL '1 minute'
    GROUP BY x.token_id, x.mint, d.b;

    r := megatron_rollup_candles('price_candles_1m', 'price_candles_5m', INTERVAL '5 minutes', toks, bks);
    r := megatron_rollup_candles('price_candles_5m', 'price_candles_1h', INTERVAL '1 hour', r.out_tokens, r.out_buckets);
    r := megatron_rollup_candles('price_candles_1h', 'price_candles_1d', INTERVAL '1 day', r.out_tokens, r.out_buckets);
    RETURN cardinality(toks);
END;
$$;

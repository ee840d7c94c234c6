-- Price candles on Postgres without TimescaleDB: rollup tables with exactly the columns and definitions
-- of the timescale flavour's continuous aggregates (1m from trades, 5m from 1m, 1h from 5m, 1d from 1h),
-- refreshed incrementally by the scheduler through megatron_refresh_candles().
--
-- Incremental = every 1m bucket a trade lands in is recorded in candle_dirty by a statement trigger on
-- the trades (late and backfilled trades included, whatever their age), and a refresh recomputes exactly
-- those buckets and the 5m/1h/1d buckets that contain them. Buckets align like time_bucket's
-- (origin 2000-01-03 00:00 UTC, which every width here divides).

CREATE TABLE price_candles_1m (
    token_id UUID NOT NULL,
    mint TEXT NOT NULL,
    bucket TIMESTAMPTZ NOT NULL,
    open NUMERIC NOT NULL,
    high NUMERIC NOT NULL,
    low NUMERIC NOT NULL,
    close NUMERIC NOT NULL,
    volume_token NUMERIC NOT NULL,
    volume_quote NUMERIC NOT NULL,
    trade_count BIGINT NOT NULL,
    buyer_count BIGINT NOT NULL,
    seller_count BIGINT NOT NULL,
    buyers TEXT[] NOT NULL,
    sellers TEXT[] NOT NULL,
    PRIMARY KEY (token_id, bucket)
);
CREATE INDEX idx_price_candles_1m_mint ON price_candles_1m (mint, bucket DESC);
CREATE TABLE price_candles_5m (LIKE price_candles_1m INCLUDING ALL);
CREATE TABLE price_candles_1h (LIKE price_candles_1m INCLUDING ALL);
CREATE TABLE price_candles_1d (LIKE price_candles_1m INCLUDING ALL);

-- 1m buckets with new, changed or removed trades since the last refresh.
CREATE TABLE candle_dirty (
    token_id UUID NOT NULL,
    bucket TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (token_id, bucket)
);

CREATE FUNCTION megatron_mark_candles_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO candle_dirty (token_id, bucket)
    SELECT DISTINCT token_id, date_bin(INTERVAL '1 minute', block_time, TIMESTAMPTZ '2000-01-03 00:00:00+00') FROM changed_trades
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

-- Statement-level with transition tables: one insert per batch (COPY included), not one per trade.
CREATE TRIGGER trg_candles_dirty_insert AFTER INSERT ON transactions
    REFERENCING NEW TABLE AS changed_trades FOR EACH STATEMENT EXECUTE FUNCTION megatron_mark_candles_dirty();
CREATE TRIGGER trg_candles_dirty_delete AFTER DELETE ON transactions
    REFERENCING OLD TABLE AS changed_trades FOR EACH STATEMENT EXECUTE FUNCTION megatron_mark_candles_dirty();

-- Recomputes the buckets of `dst` (width `width`) that contain the given buckets of `src`, from `src`.
-- Returns the recomputed buckets so the next level can follow.
CREATE FUNCTION megatron_rollup_candles(src TEXT, dst TEXT, width INTERVAL, tokens UUID[], buckets TIMESTAMPTZ[],
                                        OUT out_tokens UUID[], OUT out_buckets TIMESTAMPTZ[])
LANGUAGE plpgsql AS $$
BEGIN
    SELECT coalesce(array_agg(t), '{}'), coalesce(array_agg(b), '{}') INTO out_tokens, out_buckets FROM (
        SELECT DISTINCT t, date_bin(width, b, TIMESTAMPTZ '2000-01-03 00:00:00+00') AS b FROM unnest(tokens, buckets) AS d(t, b)
    ) touched;
    EXECUTE format('DELETE FROM %I c USING unnest($1, $2) AS d(t, b) WHERE c.token_id = d.t AND c.bucket = d.b', dst)
        USING out_tokens, out_buckets;
    EXECUTE format($q$
        INSERT INTO %I
        SELECT s.token_id, s.mint, d.b,
               (array_agg(s.open ORDER BY s.bucket))[1], max(s.high), min(s.low), (array_agg(s.close ORDER BY s.bucket DESC))[1],
               sum(s.volume_token), sum(s.volume_quote), sum(s.trade_count)::BIGINT,
               cardinality(megatron_union_agg(s.buyers)), cardinality(megatron_union_agg(s.sellers)),
               megatron_union_agg(s.buyers), megatron_union_agg(s.sellers)
        FROM unnest($1, $2) AS d(t, b)
        JOIN %I s ON s.token_id = d.t AND s.bucket >= d.b AND s.bucket < d.b + $3
        GROUP BY s.token_id, s.mint, d.b
    $q$, dst, src) USING out_tokens, out_buckets, width;
END;
$$;

-- Recomputes every dirty bucket at every level; returns the number of 1m buckets recomputed. Runs in the
-- caller's transaction; the advisory lock keeps two refreshers from interleaving.
CREATE FUNCTION megatron_refresh_candles() RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
    toks UUID[];
    bks TIMESTAMPTZ[];
    r RECORD;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('megatron:candles'));
    WITH taken AS (DELETE FROM candle_dirty RETURNING token_id, bucket)
    SELECT coalesce(array_agg(token_id), '{}'), coalesce(array_agg(bucket), '{}') INTO toks, bks FROM taken;
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

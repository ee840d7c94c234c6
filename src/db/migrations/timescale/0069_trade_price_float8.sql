-- The lean trade row, third step (issue #14): price_per_token and progress_pct as DOUBLE PRECISION. A
-- double keeps 15-17 significant digits (the brief asks for >= 12; a fresh pump.fun token trades near
-- 3e-8 SOL, well inside its range), and TimescaleDB compresses it with its float codec where an
-- unconstrained NUMERIC of ~20 digits is an opaque varlena. The exact amounts and reserves the price
-- comes from stay exact BIGINT. Readers render a stored price as `::numeric` (15 significant digits,
-- decimal notation, as before) — the candle aggregates too, so their columns and megatron_candles() keep
-- their NUMERIC types and the candles already materialized are carried over unchanged.
--
-- The steps of 0068 (carry the aggregates over, change the columns with compression off, recreate) are
-- functions here, so the lean row's next steps call them instead of restating them.

-- What each candle aggregate holds, into temp tables for the transaction; then the aggregates are dropped.
CREATE FUNCTION megatron_candle_aggregates_take() RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    v TEXT;
    lvl INTEGER := 0;
    mat_id INTEGER;
    mat REGCLASS;
BEGIN
    CREATE TEMP TABLE megatron_carried_caggs (
        view_name TEXT PRIMARY KEY,
        level INTEGER NOT NULL,
        watermark BIGINT NOT NULL,
        chunk_interval INTERVAL NOT NULL,
        compressed BOOLEAN NOT NULL,
        jobs JSONB NOT NULL
    ) ON COMMIT DROP;
    FOREACH v IN ARRAY ARRAY['price_candles_1m', 'price_candles_5m', 'price_candles_1h', 'price_candles_1d'] LOOP
        lvl := lvl + 1;
        SELECT c.mat_hypertable_id, format('%I.%I', h.schema_name, h.table_name)::regclass INTO mat_id, mat
        FROM _timescaledb_catalog.continuous_agg c JOIN _timescaledb_catalog.hypertable h ON h.id = c.mat_hypertable_id
        WHERE c.user_view_schema = 'public' AND c.user_view_name = v;
        INSERT INTO megatron_carried_caggs
        SELECT v, lvl, _timescaledb_functions.cagg_watermark(mat_id),
               (SELECT d.time_interval FROM timescaledb_information.dimensions d
                WHERE format('%I.%I', d.hypertable_schema, d.hypertable_name)::regclass = mat),
               ca.compression_enabled,
               (SELECT coalesce(jsonb_agg(jsonb_build_object('proc', j.proc_name, 'config', j.config, 'every', j.schedule_interval)), '[]')
                FROM timescaledb_information.jobs j
                WHERE j.hypertable_name IN (ca.view_name, ca.materialization_hypertable_name))
        FROM timescaledb_information.continuous_aggregates ca
        WHERE ca.view_schema = 'public' AND ca.view_name = v;
        EXECUTE format('CREATE TEMP TABLE %I ON COMMIT DROP AS SELECT * FROM %s', 'megatron_carried_' || v, mat);
    END LOOP;
    -- one hypertable per statement, the coarsest first (each level reads the one below)
    FOREACH v IN ARRAY ARRAY['price_candles_1d', 'price_candles_1h', 'price_candles_5m', 'price_candles_1m'] LOOP
        EXECUTE format('DROP MATERIALIZED VIEW %I', v);
    END LOOP;
END;
$fn$;

-- Runs `alter` (an ALTER TABLE transactions …) in the window where compression is off: the compressed chunks
-- are decompressed, compressed again afterwards with 0041's settings, and the policy keeps its interval.
CREATE FUNCTION megatron_alter_transactions(p_alter TEXT) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    compress_after INTERVAL;
    compressed REGCLASS[];
    c REGCLASS;
BEGIN
    SELECT (j.config->>'compress_after')::interval INTO compress_after
    FROM timescaledb_information.jobs j
    WHERE j.proc_name = 'policy_compression' AND j.hypertable_name = 'transactions';
    SELECT coalesce(array_agg(format('%I.%I', k.chunk_schema, k.chunk_name)::regclass), '{}') INTO compressed
    FROM timescaledb_information.chunks k
    WHERE k.hypertable_name = 'transactions' AND k.is_compressed;

    PERFORM remove_compression_policy('transactions', if_exists => true);
    FOREACH c IN ARRAY compressed LOOP PERFORM decompress_chunk(c); END LOOP;
    ALTER TABLE transactions SET (timescaledb.compress = false);
    EXECUTE p_alter;
    ALTER TABLE transactions SET (
        timescaledb.compress,
        timescaledb.compress_segmentby = '',
        timescaledb.compress_orderby = 'token_id, block_time, slot, ix_index, inner_ix_index'
    );
    IF compress_after IS NOT NULL THEN
        PERFORM add_compression_policy('transactions', compress_after);
    END IF;
    FOREACH c IN ARRAY compressed LOOP PERFORM compress_chunk(c); END LOOP;
END;
$fn$;

-- The candle aggregates, finest first: 1m from the trades (0021's definition, prices rendered NUMERIC), 5m,
-- 1h and 1d each rolling up the level below with one definition.
CREATE FUNCTION megatron_candle_aggregates_create() RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    lv RECORD;
BEGIN
    CREATE MATERIALIZED VIEW price_candles_1m WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
    SELECT
        token_id,
        mint,
        time_bucket(INTERVAL '1 minute', block_time) AS bucket,
        first(price_per_token, megatron_trade_seq(block_time, slot, ix_index, inner_ix_index, signature))::numeric AS open,
        max(price_per_token)::numeric AS high,
        min(price_per_token)::numeric AS low,
        last(price_per_token, megatron_trade_seq(block_time, slot, ix_index, inner_ix_index, signature))::numeric AS close,
        sum(token_amount) AS volume_token,
        sum(sol_amount) AS volume_quote,
        count(*) AS trade_count,
        count(DISTINCT user_address) FILTER (WHERE type = 'buy') AS buyer_count,
        count(DISTINCT user_address) FILTER (WHERE type = 'sell') AS seller_count,
        coalesce(array_agg(DISTINCT user_address) FILTER (WHERE type = 'buy'), '{}') AS buyers,
        coalesce(array_agg(DISTINCT user_address) FILTER (WHERE type = 'sell'), '{}') AS sellers
    FROM transactions
    GROUP BY token_id, mint, time_bucket(INTERVAL '1 minute', block_time)
    WITH NO DATA;
    FOR lv IN SELECT * FROM (VALUES ('price_candles_5m', 'price_candles_1m', INTERVAL '5 minutes', 1),
                                    ('price_candles_1h', 'price_candles_5m', INTERVAL '1 hour', 2),
                                    ('price_candles_1d', 'price_candles_1h', INTERVAL '1 day', 3)) AS l(name, src, width, n)
              ORDER BY n LOOP
        EXECUTE format($q$
            CREATE MATERIALIZED VIEW %1$I WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
            SELECT
                token_id,
                mint,
                time_bucket(%3$L::interval, bucket) AS bucket,
                first(open, bucket) AS open,
                max(high) AS high,
                min(low) AS low,
                last(close, bucket) AS close,
                sum(volume_token) AS volume_token,
                sum(volume_quote) AS volume_quote,
                sum(trade_count)::BIGINT AS trade_count,
                cardinality(megatron_union_agg(buyers))::BIGINT AS buyer_count,
                cardinality(megatron_union_agg(sellers))::BIGINT AS seller_count,
                megatron_union_agg(buyers) AS buyers,
                megatron_union_agg(sellers) AS sellers
            FROM %2$I
            GROUP BY token_id, mint, time_bucket(%3$L::interval, bucket)
            WITH NO DATA
        $q$, lv.name, lv.src, lv.width);
    END LOOP;
END;
$fn$;

-- What megatron_candle_aggregates_take() kept, back into the recreated aggregates: chunk size first (chunks
-- are made by the inserts), the candles and the watermark (the real-time tail starts where it did), then
-- compression and the policies with their intervals (the refresh policy before a compression policy).
CREATE FUNCTION megatron_candle_aggregates_restore() RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    r RECORD;
    j JSONB;
    mat_id INTEGER;
    mat REGCLASS;
BEGIN
    FOR r IN SELECT * FROM megatron_carried_caggs ORDER BY level LOOP
        SELECT c.mat_hypertable_id, format('%I.%I', h.schema_name, h.table_name)::regclass INTO mat_id, mat
        FROM _timescaledb_catalog.continuous_agg c JOIN _timescaledb_catalog.hypertable h ON h.id = c.mat_hypertable_id
        WHERE c.user_view_schema = 'public' AND c.user_view_name = r.view_name;
        PERFORM set_chunk_time_interval(r.view_name::regclass, r.chunk_interval);
        EXECUTE format('INSERT INTO %s SELECT * FROM %I', mat, 'megatron_carried_' || r.view_name);
        -- No API sets a watermark; the catalog row is TimescaleDB's own (superuser, or the extension's owner).
        -- Without the right, the first refresh of each level sets it.
        BEGIN
            UPDATE _timescaledb_catalog.continuous_aggs_watermark SET watermark = r.watermark WHERE mat_hypertable_id = mat_id;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'megatron: cannot restore the watermark of % (%); its next refresh sets it', r.view_name, SQLERRM;
        END;
        IF r.compressed THEN
            EXECUTE format('ALTER MATERIALIZED VIEW %I SET (timescaledb.compress = true)', r.view_name);
        END IF;
        FOR j IN SELECT e FROM jsonb_array_elements(r.jobs) AS e ORDER BY e->>'proc' <> 'policy_refresh_continuous_aggregate' LOOP
            CASE j->>'proc'
                WHEN 'policy_refresh_continuous_aggregate' THEN
                    PERFORM add_continuous_aggregate_policy(r.view_name::regclass,
                        start_offset => (j->'config'->>'start_offset')::interval, end_offset => (j->'config'->>'end_offset')::interval,
                        schedule_interval => (j->>'every')::interval);
                WHEN 'policy_compression' THEN
                    PERFORM add_compression_policy(r.view_name::regclass, compress_after => (j->'config'->>'compress_after')::interval,
                        schedule_interval => (j->>'every')::interval);
                WHEN 'policy_retention' THEN
                    PERFORM add_retention_policy(r.view_name::regclass, drop_after => (j->'config'->>'drop_after')::interval,
                        schedule_interval => (j->>'every')::interval);
                ELSE
                    RAISE EXCEPTION 'megatron: % has a job the carry-over does not know: %', r.view_name, j;
            END CASE;
        END LOOP;
    END LOOP;
END;
$fn$;

SELECT megatron_candle_aggregates_take();
SELECT megatron_alter_transactions($$
    ALTER TABLE transactions
        ALTER COLUMN price_per_token TYPE DOUBLE PRECISION,
        ALTER COLUMN progress_pct TYPE DOUBLE PRECISION
$$);
SELECT megatron_candle_aggregates_create();
SELECT megatron_candle_aggregates_restore();

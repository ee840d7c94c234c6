-- The lean trade row, first step (issue #14): the fees and reserves of a trade as BIGINT instead of
-- NUMERIC(20,0). Exact (every u64 these programs emit is far below 2^63; the writer quarantines one that
-- is not, src/db/trades.ts), 8 bytes in a row instead of a variable-length NUMERIC, and TimescaleDB
-- compresses BIGINT with its delta codec, which NUMERIC does not get. sol_amount and token_amount stay
-- NUMERIC for now: the candle aggregates read them, and a column a view reads cannot change its type.
--
-- TimescaleDB changes no column type while compression is enabled: the compressed chunks are
-- decompressed, compression is turned off and on around the change, and the same chunks are compressed
-- again with the same policy interval. The migration's time grows with the compressed history.
DO $$
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

    ALTER TABLE transactions
        ALTER COLUMN fee TYPE BIGINT,
        ALTER COLUMN protocol_fee TYPE BIGINT,
        ALTER COLUMN creator_fee TYPE BIGINT,
        ALTER COLUMN platform_fee TYPE BIGINT,
        ALTER COLUMN virtual_sol_reserves TYPE BIGINT,
        ALTER COLUMN virtual_token_reserves TYPE BIGINT,
        ALTER COLUMN real_sol_reserves TYPE BIGINT,
        ALTER COLUMN real_token_reserves TYPE BIGINT;

    -- the settings of 0041_lifecycle.sql
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
$$;

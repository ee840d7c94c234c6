-- The lean trade row, fifth step (issue #14): the trader's address as its 32 bytes instead of 44 base58
-- characters, and the candles' wallet sets as arrays of those bytes. The writer stores the decoded bytes
-- and the readers encode them back, so API and scores keep base58 strings. Carried like 0071: the
-- aggregates are taken (their wallet sets decoded on the way), the column converted with compression off
-- (every stored address decoded by 0070's megatron_base58_decode: the migration's time grows with the
-- history), and the aggregates recreated — their buyers/sellers now BYTEA[], from the column's new type.
-- 0071's halves ran their ALTER TABLE … SET (timescaledb.…) as static statements, which PL/pgSQL plans
-- once per session: TimescaleDB consumes its options from the statement it is given, so a second call in
-- the same session (this migration after 0071, as on any database migrated from before 0071) ran an ALTER
-- without them and compression stayed on. The same halves with those statements run dynamically.
CREATE OR REPLACE FUNCTION megatron_transactions_compression_off() RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    c REGCLASS;
BEGIN
    CREATE TEMP TABLE megatron_carried_compression ON COMMIT DROP AS
    SELECT (SELECT (j.config->>'compress_after')::interval
            FROM timescaledb_information.jobs j
            WHERE j.proc_name = 'policy_compression' AND j.hypertable_name = 'transactions') AS compress_after,
           (SELECT coalesce(array_agg(format('%I.%I', k.chunk_schema, k.chunk_name)::regclass), '{}')
            FROM timescaledb_information.chunks k
            WHERE k.hypertable_name = 'transactions' AND k.is_compressed) AS compressed;
    PERFORM remove_compression_policy('transactions', if_exists => true);
    FOR c IN SELECT unnest(compressed) FROM megatron_carried_compression LOOP PERFORM decompress_chunk(c); END LOOP;
    EXECUTE 'ALTER TABLE transactions SET (timescaledb.compress = false)';
END;
$fn$;

CREATE OR REPLACE FUNCTION megatron_transactions_compression_on() RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    carried RECORD;
    c REGCLASS;
BEGIN
    SELECT * INTO carried FROM megatron_carried_compression;
    EXECUTE $alter$
        ALTER TABLE transactions SET (
            timescaledb.compress,
            timescaledb.compress_segmentby = '',
            timescaledb.compress_orderby = 'token_id, block_time, slot, ix_index, inner_ix_index'
        )
    $alter$;
    IF carried.compress_after IS NOT NULL THEN
        PERFORM add_compression_policy('transactions', carried.compress_after);
    END IF;
    FOREACH c IN ARRAY carried.compressed LOOP PERFORM compress_chunk(c); END LOOP;
    DROP TABLE megatron_carried_compression;
END;
$fn$;

SELECT megatron_candle_aggregates_take();
SELECT megatron_transactions_compression_off();
ALTER TABLE transactions ALTER COLUMN user_address TYPE BYTEA USING megatron_base58_decode(user_address);
SELECT megatron_transactions_compression_on();
SELECT megatron_wallet_sets_to_bytes(c)
FROM unnest(ARRAY['megatron_carried_price_candles_1m', 'megatron_carried_price_candles_5m',
                  'megatron_carried_price_candles_1h', 'megatron_carried_price_candles_1d']::regclass[]) AS c;
DROP AGGREGATE megatron_union_agg(TEXT[]);
DROP FUNCTION megatron_text_union(TEXT[], TEXT[]);
SELECT megatron_candle_aggregates_create();
SELECT megatron_candle_aggregates_restore();

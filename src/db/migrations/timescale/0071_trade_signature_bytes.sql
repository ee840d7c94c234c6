-- The lean trade row, fourth step (issue #14): the trade's signature as its 64 bytes instead of 88 base58
-- characters (about a quarter of a compressed trade; the primary key's btree shrinks with it). The writer
-- stores the decoded bytes and the readers encode them back, so API, feed and CLI keep base58 strings.
-- Carried like 0069: the aggregates are taken, the column converted with compression off (every stored
-- signature decoded by 0070's megatron_base58_decode: the migration's time grows with the history), and
-- the aggregates recreated. 0070's order breaks ties between transactions of a slot differently, so the
-- carried candles of stored trades get their prices from the trades again before they are restored (which
-- also renders as doubles the prices of candles materialized before 0069).
--
-- TimescaleDB refuses this ALTER (a USING conversion of an indexed column) when it runs in the same
-- statement that turned compression off, as inside 0069's megatron_alter_transactions(): its hypertable
-- cache still sees the columnstore. So that function gives way to its two halves, called around the ALTER
-- as statements of their own.

-- The first half: compression off, with what the second half needs to turn it back on kept for the transaction.
CREATE FUNCTION megatron_transactions_compression_off() RETURNS void LANGUAGE plpgsql AS $fn$
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
    ALTER TABLE transactions SET (timescaledb.compress = false);
END;
$fn$;

-- The second half: 0041's settings again, the policy with its interval, the chunks that were compressed.
CREATE FUNCTION megatron_transactions_compression_on() RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    carried RECORD;
    c REGCLASS;
BEGIN
    SELECT * INTO carried FROM megatron_carried_compression;
    ALTER TABLE transactions SET (
        timescaledb.compress,
        timescaledb.compress_segmentby = '',
        timescaledb.compress_orderby = 'token_id, block_time, slot, ix_index, inner_ix_index'
    );
    IF carried.compress_after IS NOT NULL THEN
        PERFORM add_compression_policy('transactions', carried.compress_after);
    END IF;
    FOREACH c IN ARRAY carried.compressed LOOP PERFORM compress_chunk(c); END LOOP;
    DROP TABLE megatron_carried_compression;
END;
$fn$;

-- The halves replace 0069's one-statement form, which cannot carry an ALTER like this one.
DROP FUNCTION megatron_alter_transactions(TEXT);

SELECT megatron_candle_aggregates_take();
SELECT megatron_transactions_compression_off();
ALTER TABLE transactions ALTER COLUMN signature TYPE BYTEA USING megatron_base58_decode(signature);
SELECT megatron_transactions_compression_on();
SELECT megatron_candle_prices_recompute(ARRAY['megatron_carried_price_candles_1m', 'megatron_carried_price_candles_5m',
                                              'megatron_carried_price_candles_1h', 'megatron_carried_price_candles_1d']);
DROP FUNCTION megatron_trade_seq(TIMESTAMPTZ, BIGINT, INTEGER, INTEGER, TEXT);
SELECT megatron_candle_aggregates_create();
SELECT megatron_candle_aggregates_restore();

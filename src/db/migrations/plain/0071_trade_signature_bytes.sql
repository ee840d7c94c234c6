-- The lean trade row, fourth step (issue #14): the trade's signature as its 64 bytes instead of 88 base58
-- characters. The writer stores the decoded bytes and the readers encode them back, so API, feed and CLI
-- keep base58 strings. Rewrites every partition, decoding each stored signature with 0070's
-- megatron_base58_decode: the migration's time grows with the history. 0070's order breaks ties between
-- transactions of a slot differently, so the stored candles of stored trades get their prices from the
-- trades again (which also renders as doubles the prices of candles stored before 0069).
ALTER TABLE transactions ALTER COLUMN signature TYPE BYTEA USING megatron_base58_decode(signature);
SELECT megatron_candle_prices_recompute(ARRAY['price_candles_1m', 'price_candles_5m', 'price_candles_1h', 'price_candles_1d']);
DROP FUNCTION megatron_trade_seq(TIMESTAMPTZ, BIGINT, INTEGER, INTEGER, TEXT);

-- The lean trade row, fifth step (issue #14): the trader's address as its 32 bytes instead of 44 base58
-- characters, and the rollups' wallet sets as arrays of those bytes. The writer stores the decoded bytes
-- and the readers encode them back, so API and scores keep base58 strings. Rewrites every partition,
-- decoding each stored address with 0070's megatron_base58_decode: the migration's time grows with the history.
ALTER TABLE transactions ALTER COLUMN user_address TYPE BYTEA USING megatron_base58_decode(user_address);
SELECT megatron_wallet_sets_to_bytes(c)
FROM unnest(ARRAY['price_candles_1m', 'price_candles_5m', 'price_candles_1h', 'price_candles_1d']::regclass[]) AS c;
DROP AGGREGATE megatron_union_agg(TEXT[]);
DROP FUNCTION megatron_text_union(TEXT[], TEXT[]);

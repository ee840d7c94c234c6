-- The lean trade row, first step (issue #14): the fees and reserves of a trade as BIGINT instead of
-- NUMERIC(20,0). Exact (every u64 these programs emit is far below 2^63; the writer quarantines one that
-- is not, src/db/trades.ts) and 8 bytes in a row instead of a variable-length NUMERIC. sol_amount and
-- token_amount stay NUMERIC, as on TimescaleDB (whose candle aggregates read them). Rewrites every
-- partition: the migration's time grows with the history.
ALTER TABLE transactions
    ALTER COLUMN fee TYPE BIGINT,
    ALTER COLUMN protocol_fee TYPE BIGINT,
    ALTER COLUMN creator_fee TYPE BIGINT,
    ALTER COLUMN platform_fee TYPE BIGINT,
    ALTER COLUMN virtual_sol_reserves TYPE BIGINT,
    ALTER COLUMN virtual_token_reserves TYPE BIGINT,
    ALTER COLUMN real_sol_reserves TYPE BIGINT,
    ALTER COLUMN real_token_reserves TYPE BIGINT;

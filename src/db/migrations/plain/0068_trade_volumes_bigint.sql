-- The lean trade row, second step (issue #14): sol_amount and token_amount as BIGINT, like the fees and
-- reserves in 0067 (exact; the writer quarantines a value above 2^63 - 1). The rollup functions sum them
-- into the candle tables' NUMERIC columns, as before. Rewrites every partition: the migration's time grows
-- with the history.
ALTER TABLE transactions
    ALTER COLUMN sol_amount TYPE BIGINT,
    ALTER COLUMN token_amount TYPE BIGINT;

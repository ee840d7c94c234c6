-- Plain Postgres has no chunks: candle rows are deleted row by row (0041). Keeps the number sequence whole.
SELECT 1;

-- Data lifecycle on plain Postgres (docs/operations.md): no compression. Trade partitions are dropped by the
-- scheduler; candle rollup rows past their level's retention are deleted by it through this function.
CREATE FUNCTION megatron_drop_old_candles(relation REGCLASS, keep INTERVAL) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    deleted BIGINT;
BEGIN
    EXECUTE format('DELETE FROM %s WHERE bucket < now() - $1', relation) USING keep;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END;
$$;

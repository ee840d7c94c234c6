-- The lean trade row, fifth step (issue #14), what both flavours share: the trader's address becomes its
-- 32 bytes (0073), and with it the wallet sets the candles keep (buyers/sellers) become arrays of bytes.
--
-- The union of two wallet sets for any element type: 0020's text form gives way to it once no candle
-- holds text (0073 drops it).
CREATE FUNCTION megatron_array_union(a ANYARRAY, b ANYARRAY) RETURNS ANYARRAY LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}') FROM unnest(a || b) AS x
$$;

CREATE AGGREGATE megatron_union_agg(ANYARRAY) (
    SFUNC = megatron_array_union,
    STYPE = ANYARRAY,
    INITCOND = '{}',
    COMBINEFUNC = megatron_array_union,
    PARALLEL = SAFE
);

-- A stored wallet set of base58 addresses as the set of their bytes, sorted as array_agg(DISTINCT) sorts it.
CREATE FUNCTION megatron_base58_decode_all(a TEXT[]) RETURNS BYTEA[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(megatron_base58_decode(x) ORDER BY 1), '{}') FROM unnest(a) AS x
$$;

-- A candle table's wallet sets (buyers, sellers) from base58 text to bytes: the plain rollups in place, on
-- TimescaleDB the candles carried across the aggregates' recreation.
CREATE FUNCTION megatron_wallet_sets_to_bytes(candles REGCLASS) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE format('ALTER TABLE %s ALTER COLUMN buyers TYPE BYTEA[] USING megatron_base58_decode_all(buyers),
                                  ALTER COLUMN sellers TYPE BYTEA[] USING megatron_base58_decode_all(sellers)', candles);
END;
$fn$;

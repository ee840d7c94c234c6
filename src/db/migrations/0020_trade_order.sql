-- Analytics helpers shared by both flavours (candles, checks).
--
-- Chain order of trades as one sortable NUMERIC, so open/close ("first/last by time") are deterministic
-- even when several trades share a block_time: block time (µs), then slot, then the instruction and
-- inner instruction index, then — for different transactions in one slot, whose in-block position is
-- not stored — a 60-bit hash of the signature. IMMUTABLE, so continuous aggregates may use it; plain
-- Postgres sorts by the same key, which is what makes both flavours' candles identical.
CREATE FUNCTION megatron_trade_seq(block_time TIMESTAMPTZ, slot BIGINT, ix_index INTEGER, inner_ix_index INTEGER, signature TEXT)
RETURNS NUMERIC LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (extract(epoch FROM (block_time - TIMESTAMPTZ '1970-01-01 00:00:00+00')) * 1000000)::NUMERIC * 1e60
         + slot::NUMERIC * 1e40
         + (ix_index + 1)::NUMERIC * 1e30
         + (inner_ix_index + 1)::NUMERIC * 1e20
         + ('x' || substr(md5(signature), 1, 15))::BIT(60)::BIGINT::NUMERIC
$$;

-- Set union of text arrays (sorted, distinct): distinct buyers/sellers of a 5m/1h/1d candle are the
-- union of its 1m candles' sets — counts of distinct wallets cannot be summed.
CREATE FUNCTION megatron_text_union(a TEXT[], b TEXT[]) RETURNS TEXT[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}') FROM unnest(a || b) AS x
$$;

CREATE AGGREGATE megatron_union_agg(TEXT[]) (
    SFUNC = megatron_text_union,
    STYPE = TEXT[],
    INITCOND = '{}',
    COMBINEFUNC = megatron_text_union,
    PARALLEL = SAFE
);

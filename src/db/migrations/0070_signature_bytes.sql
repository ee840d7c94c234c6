-- The lean trade row, fourth step (issue #14), shared part: what storing the trade's signature as its 64
-- bytes (0071) needs in SQL. The writer and the readers convert in Node; these serve the one-time
-- conversion of stored rows and the few SQL-built texts (check examples).

-- Base58 (Bitcoin alphabet) of bytes, leading zero bytes as '1's. NUMERIC arithmetic, four bytes in and
-- four digits out per step (58^4 < 2^31): a fraction of a millisecond per signature, for the one-time
-- conversion and for messages, not for bulk reads.
CREATE FUNCTION megatron_base58(b BYTEA) RETURNS TEXT LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
    alphabet CONSTANT TEXT := '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
    len CONSTANT INTEGER := length(b);
    head CONSTANT INTEGER := len % 4;
    n NUMERIC := 0;
    group_value INTEGER;
    out TEXT := '';
    zeros INTEGER := 0;
BEGIN
    FOR i IN 0 .. head - 1 LOOP
        n := n * 256 + get_byte(b, i);
    END LOOP;
    FOR i IN 0 .. (len - head) / 4 - 1 LOOP
        n := n * 4294967296 + ('x' || encode(substring(b FROM head + 4 * i + 1 FOR 4), 'hex'))::BIT(32)::BIGINT;
    END LOOP;
    WHILE n > 0 LOOP
        group_value := mod(n, 11316496)::INTEGER;
        n := div(n, 11316496);
        FOR d IN 1 .. 4 LOOP
            EXIT WHEN n = 0 AND group_value = 0;
            out := substr(alphabet, group_value % 58 + 1, 1) || out;
            group_value := group_value / 58;
        END LOOP;
    END LOOP;
    WHILE zeros < len AND get_byte(b, zeros) = 0 LOOP
        out := '1' || out;
        zeros := zeros + 1;
    END LOOP;
    RETURN out;
END;
$fn$;

-- The bytes of a base58 text; raises on a character outside the alphabet (a stored signature never has
-- one). Four digits in and four bytes out per step, as above.
CREATE FUNCTION megatron_base58_decode(t TEXT) RETURNS BYTEA LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
    alphabet CONSTANT TEXT := '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
    len CONSTANT INTEGER := length(t);
    n NUMERIC := 0;
    digit INTEGER;
    group_value INTEGER;
    scale INTEGER;
    hex TEXT := '';
    zeros INTEGER := 0;
    i INTEGER := 1;
BEGIN
    WHILE i <= len LOOP
        group_value := 0;
        scale := 1;
        FOR k IN i .. least(i + 3, len) LOOP
            digit := strpos(alphabet, substr(t, k, 1)) - 1;
            IF digit < 0 THEN
                RAISE EXCEPTION 'megatron: % is not base58 (character % at %)', t, substr(t, k, 1), k;
            END IF;
            group_value := group_value * 58 + digit;
            scale := scale * 58;
        END LOOP;
        n := n * scale + group_value;
        i := i + 4;
    END LOOP;
    WHILE n >= 4294967296 LOOP
        hex := lpad(to_hex(mod(n, 4294967296)::BIGINT), 8, '0') || hex;
        n := div(n, 4294967296);
    END LOOP;
    IF n > 0 THEN
        hex := to_hex(n::BIGINT) || hex;
        IF length(hex) % 2 = 1 THEN hex := '0' || hex; END IF;
    END IF;
    WHILE zeros < len AND substr(t, zeros + 1, 1) = '1' LOOP
        hex := '00' || hex;
        zeros := zeros + 1;
    END LOOP;
    RETURN decode(hex, 'hex');
END;
$fn$;

-- 0020's chain order for a signature stored as bytes: the same key, with the signature's own first 60 bits
-- as the tie-break between transactions of one slot (64 random bytes need no hash). Ties resolve in a
-- different order than md5 of the text did, so 0071 recomputes the prices of stored candles.
CREATE FUNCTION megatron_trade_seq(block_time TIMESTAMPTZ, slot BIGINT, ix_index INTEGER, inner_ix_index INTEGER, signature BYTEA)
RETURNS NUMERIC LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (extract(epoch FROM (block_time - TIMESTAMPTZ '1970-01-01 00:00:00+00')) * 1000000)::NUMERIC * 1e60
         + slot::NUMERIC * 1e40
         + (ix_index + 1)::NUMERIC * 1e30
         + (inner_ix_index + 1)::NUMERIC * 1e20
         + ('x' || encode(substring(signature FROM 1 FOR 8), 'hex'))::BIT(60)::BIGINT::NUMERIC
$$;

-- The prices of stored candles again, from the trades still stored, where they differ: the 1m candles of
-- the buckets whose trades are stored (open and close in 0071's order; high and low as the trades' doubles
-- render, which candles stored before 0069 hold with more digits), then each coarser level from the one
-- below (open of its first bucket, close of its last) from the bucket of the oldest stored trade on, and
-- only where the level below holds all of the bucket's trades (its own retention may be shorter). Relations by
-- name: 0071 passes TimescaleDB's carried candles or the plain flavour's rollup tables. Returns the
-- candles changed per level.
CREATE FUNCTION megatron_candle_prices_recompute(levels TEXT[]) RETURNS INTEGER[] LANGUAGE plpgsql AS $fn$
DECLARE
    origin CONSTANT TIMESTAMPTZ := TIMESTAMPTZ '2000-01-03 00:00:00+00';
    widths CONSTANT INTERVAL[] := ARRAY[INTERVAL '1 minute', INTERVAL '5 minutes', INTERVAL '1 hour', INTERVAL '1 day'];
    changed INTEGER[] := '{}';
    n INTEGER;
    oldest_trade TIMESTAMPTZ;
BEGIN
    EXECUTE format($q$
        UPDATE %I c SET open = s.open, high = s.high, low = s.low, close = s.close
        FROM (SELECT token_id, date_bin(INTERVAL '1 minute', block_time, $1) AS bucket,
                     (array_agg(price_per_token ORDER BY megatron_trade_seq(block_time, slot, ix_index, inner_ix_index, signature)))[1]::NUMERIC AS open,
                     max(price_per_token)::NUMERIC AS high, min(price_per_token)::NUMERIC AS low,
                     (array_agg(price_per_token ORDER BY megatron_trade_seq(block_time, slot, ix_index, inner_ix_index, signature) DESC))[1]::NUMERIC AS close
              FROM transactions GROUP BY 1, 2) s
        WHERE c.token_id = s.token_id AND c.bucket = s.bucket
          AND (c.open, c.high, c.low, c.close) IS DISTINCT FROM (s.open, s.high, s.low, s.close)
    $q$, levels[1]) USING origin;
    GET DIAGNOSTICS n = ROW_COUNT;
    changed := changed || n;
    SELECT min(block_time) INTO oldest_trade FROM transactions;
    FOR lv IN 2 .. 4 LOOP
        EXECUTE format($q$
            UPDATE %1$I c SET open = s.open, high = s.high, low = s.low, close = s.close
            FROM (SELECT token_id, date_bin(%3$L::INTERVAL, bucket, $1) AS bucket,
                         (array_agg(open ORDER BY bucket))[1] AS open, max(high) AS high, min(low) AS low,
                         (array_agg(close ORDER BY bucket DESC))[1] AS close, sum(trade_count) AS trade_count
                  FROM %2$I WHERE bucket >= date_bin(%3$L::INTERVAL, $2, $1) GROUP BY 1, 2) s
            WHERE c.token_id = s.token_id AND c.bucket = s.bucket AND c.trade_count = s.trade_count
              AND (c.open, c.high, c.low, c.close) IS DISTINCT FROM (s.open, s.high, s.low, s.close)
        $q$, levels[lv], levels[lv - 1], widths[lv]) USING origin, oldest_trade;
        GET DIAGNOSTICS n = ROW_COUNT;
        changed := changed || n;
    END LOOP;
    RETURN changed;
END;
$fn$;

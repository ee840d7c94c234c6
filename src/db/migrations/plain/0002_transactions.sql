-- Trades ("transactions", the seed's name) on Postgres without TimescaleDB: native declarative
-- partitioning by day on block_time. Same columns as the timescale flavour; only the partitioning differs.
-- Partitions are created ahead by the scheduler and on demand by the trade writer (backfills of old days),
-- and dropped past the 90-day retention by the scheduler.

CREATE TABLE transactions (
    -- A transaction can hold several trades (bundles, routers, create + dev buy): the key is the
    -- instruction, not the signature. inner_ix_index = -1 for a top-level launchpad instruction.
    -- block_time is part of the key because a partitioned table's unique keys must include it.
    signature TEXT NOT NULL,
    ix_index INTEGER NOT NULL,
    inner_ix_index INTEGER NOT NULL,
    block_time TIMESTAMPTZ NOT NULL,
    slot BIGINT NOT NULL,
    platform TEXT NOT NULL CHECK (platform IN ('pumpfun', 'launchlab')),
    token_id UUID NOT NULL,
    mint TEXT NOT NULL,
    pool TEXT NOT NULL,
    quote_mint TEXT NOT NULL,
    user_address TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('buy', 'sell')),
    sol_amount NUMERIC(20,0) NOT NULL,
    token_amount NUMERIC(20,0) NOT NULL,
    fee NUMERIC(20,0) NOT NULL,
    protocol_fee NUMERIC(20,0) NOT NULL,
    creator_fee NUMERIC(20,0) NOT NULL,
    platform_fee NUMERIC(20,0) NOT NULL,
    virtual_sol_reserves NUMERIC(20,0) NOT NULL,
    virtual_token_reserves NUMERIC(20,0) NOT NULL,
    real_sol_reserves NUMERIC(20,0),
    real_token_reserves NUMERIC(20,0),
    -- Quote per whole token after the trade: unconstrained NUMERIC keeps every digit the decoder gives.
    price_per_token NUMERIC NOT NULL,
    progress_pct NUMERIC,
    base_decimals SMALLINT NOT NULL,
    quote_decimals SMALLINT NOT NULL,
    ix_name TEXT NOT NULL,
    completes_curve BOOLEAN NOT NULL DEFAULT FALSE,
    -- The seed normalised amounts in a row trigger; whole-unit amounts are computed where they are read
    -- (megatron_ui_amount, 0001_core.sql) instead: stored generated columns cost ~20 % of COPY throughput
    -- and ~18 compressed bytes per trade for two values derivable exactly from the columns above.
    PRIMARY KEY (signature, ix_index, inner_ix_index, block_time)
) PARTITION BY RANGE (block_time);

CREATE INDEX idx_transactions_block_time ON transactions (block_time DESC);
CREATE INDEX idx_transactions_token_time ON transactions (token_id, block_time DESC);

-- Creates the daily partitions transactions_pYYYYMMDD covering [from_day, to_day] (UTC days) that do
-- not exist yet. Idempotent; callers may race (IF NOT EXISTS + the lock below).
CREATE FUNCTION megatron_ensure_transaction_partitions(from_day DATE, to_day DATE) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
    d DATE := from_day;
    created INTEGER := 0;
    part TEXT;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('megatron:transaction_partitions'));
    WHILE d <= to_day LOOP
        part := 'transactions_p' || to_char(d, 'YYYYMMDD');
        IF to_regclass(part) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF transactions FOR VALUES FROM (%L) TO (%L)',
                part, (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
            created := created + 1;
        END IF;
        d := d + 1;
    END LOOP;
    RETURN created;
END;
$$;

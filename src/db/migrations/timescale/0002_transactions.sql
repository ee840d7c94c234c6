-- Trades ("transactions", the seed's name) as a TimescaleDB hypertable. Same columns as the plain flavour;
-- only the time partitioning differs.
CREATE EXTENSION IF NOT EXISTS timescaledb;

CREATE TABLE transactions (
    -- A transaction can hold several trades (bundles, routers, create + dev buy): the key is the
    -- instruction, not the signature. inner_ix_index = -1 for a top-level launchpad instruction.
    -- block_time is part of the key because a hypertable's unique keys must include its time column.
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
);

-- create_hypertable also creates the (block_time DESC) index.
SELECT create_hypertable('transactions', by_range('block_time', INTERVAL '1 day'));

CREATE INDEX idx_transactions_token_time ON transactions (token_id, block_time DESC);

-- As in the seed: compress chunks older than 7 days, segmented by token; drop chunks after 90 days.
ALTER TABLE transactions SET (
    timescaledb.compress,
    timescaledb.compress_segmentby = 'token_id',
    timescaledb.compress_orderby = 'block_time DESC'
);
SELECT add_compression_policy('transactions', INTERVAL '7 days');
SELECT add_retention_policy('transactions', INTERVAL '90 days');

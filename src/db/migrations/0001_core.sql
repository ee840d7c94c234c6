-- Core tables shared by both flavours: tokens, pools, quarantine, checkpoints, job runs.
-- Corrections to the seed plan, each where it applies:
--   * strings from chain (name, symbol, uri, addresses) are TEXT: stored as the chain holds them, never
--     rejected for length (the seed's VARCHAR(10) symbol / VARCHAR(100) name refuse real tokens);
--   * u64 amounts are NUMERIC(20,0) (2^64-1 has 20 digits) and bigint in TypeScript;
--   * prices are unconstrained NUMERIC: a new pump.fun token trades near 3e-8 SOL, which the seed's
--     NUMERIC(30,10) rounds to three significant digits;
--   * platform values are the event vocabulary ('pumpfun' | 'launchlab'; the seed's 'raydium_launchpad'
--     is LaunchLab).

CREATE TABLE tokens (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    mint_address TEXT NOT NULL UNIQUE,
    symbol TEXT,
    name TEXT,
    uri TEXT,
    -- NULL until known: a token first seen through a trade gets the trade's base decimals.
    decimals INTEGER,
    platform TEXT NOT NULL CHECK (platform IN ('pumpfun', 'launchlab')),
    -- Creation facts are NULL for a token first seen through a trade (is_complete = false) and filled in
    -- when its creation event arrives; later facts fill gaps, never overwrite.
    creation_signature TEXT,
    creation_timestamp TIMESTAMPTZ,
    creation_slot BIGINT,
    creator_address TEXT,
    initial_supply NUMERIC(20,0),
    quote_mint TEXT,
    token_program TEXT,
    metadata JSONB,
    -- True once the creation event (pump.fun create / LaunchLab initialize) has been stored.
    is_complete BOOLEAN NOT NULL DEFAULT FALSE,
    curve_completed_at TIMESTAMPTZ,
    is_graduated BOOLEAN NOT NULL DEFAULT FALSE,
    graduation_timestamp TIMESTAMPTZ,
    graduation_signature TEXT,
    graduation_target TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The seed's idx_tokens_mint_address duplicated the UNIQUE constraint's index; it is left out.
CREATE INDEX idx_tokens_platform ON tokens (platform);
CREATE INDEX idx_tokens_creation_timestamp ON tokens (creation_timestamp);
CREATE INDEX idx_tokens_created_at ON tokens (created_at);

CREATE TABLE pools (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    pool_address TEXT NOT NULL UNIQUE,
    token_id UUID NOT NULL REFERENCES tokens (id),
    base_mint TEXT NOT NULL,
    -- LaunchLab pools are quoted in SOL or USD1: the quote mint is part of every pool.
    quote_mint TEXT NOT NULL,
    platform TEXT NOT NULL CHECK (platform IN ('pumpfun', 'launchlab')),
    -- bonding_curve (pump.fun), launchlab (LaunchLab pool state), or the AMM a token graduated to.
    pool_type TEXT NOT NULL CHECK (pool_type IN ('bonding_curve', 'launchlab', 'pumpswap', 'raydium_amm_v4', 'raydium_cpmm')),
    initial_price NUMERIC,
    initial_base_liquidity NUMERIC(20,0),
    initial_quote_liquidity NUMERIC(20,0),
    -- Curve state after the last applied trade (pump.fun vocabulary for both platforms).
    virtual_sol_reserves NUMERIC(20,0),
    virtual_token_reserves NUMERIC(20,0),
    real_sol_reserves NUMERIC(20,0),
    real_token_reserves NUMERIC(20,0),
    latest_price NUMERIC,
    bonding_curve_progress NUMERIC,
    -- Forward-only state: reserve updates from a slot older than last_slot are ignored, so updates
    -- arriving out of order never move a pool backwards.
    last_slot BIGINT,
    last_signature TEXT,
    creator_address TEXT,
    -- LaunchLab specifics.
    config_address TEXT,
    platform_config TEXT,
    curve_type TEXT,
    migrate_type TEXT,
    total_base_sell NUMERIC(20,0),
    total_quote_fund_raising NUMERIC(20,0),
    base_vault TEXT,
    quote_vault TEXT,
    -- AMM pools (after graduation).
    lp_mint TEXT,
    migrated_to_pool TEXT,
    -- active → complete (curve sold out) → migrated; never moves backwards.
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'complete', 'migrated')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX idx_pools_token_id ON pools (token_id);
CREATE INDEX idx_pools_platform ON pools (platform);

-- Input that could not be stored as decoded (bad row in a batch, verification mismatch): kept raw with
-- its reason so it can be inspected and replayed, instead of stopping the pipeline or vanishing.
CREATE TABLE quarantine (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source TEXT,
    kind TEXT NOT NULL,
    signature TEXT,
    slot BIGINT,
    reason TEXT NOT NULL,
    raw TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX idx_quarantine_created_at ON quarantine (created_at);
CREATE INDEX idx_quarantine_signature ON quarantine (signature);

-- Where each source resumes: written in the same transaction as the batch it closes.
CREATE TABLE checkpoints (
    source TEXT PRIMARY KEY,
    slot BIGINT NOT NULL,
    signature TEXT,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Our scheduler's memory (PGlite has no background workers, plain Postgres has no TimescaleDB jobs).
CREATE TABLE job_runs (
    job TEXT PRIMARY KEY,
    last_started_at TIMESTAMPTZ,
    last_finished_at TIMESTAMPTZ,
    last_status TEXT CHECK (last_status IN ('running', 'success', 'failure')),
    last_error TEXT,
    runs BIGINT NOT NULL DEFAULT 0,
    failures BIGINT NOT NULL DEFAULT 0
);

-- Whole-unit value of a raw integer amount (lamports → SOL, base units → tokens), exact: the dividend's scale
-- of 18 makes the division exact on every Postgres version (PG 17's default division scale drops digits of
-- u64 max / 1e9). Replaces the seed's normalising trigger; computed where read, never stored per trade.
-- An inlinable SQL function, so sum(megatron_ui_amount(…)) costs no call per row.
CREATE FUNCTION megatron_ui_amount(amount NUMERIC, decimals INTEGER) RETURNS NUMERIC
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT trim_scale(amount::numeric(38,18) / (10::numeric ^ decimals))
$$;

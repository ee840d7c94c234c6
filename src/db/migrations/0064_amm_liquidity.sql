-- After graduation a token trades on an AMM pool (PumpSwap, Raydium CPMM, Raydium AMM v4). Its trades go to
-- `transactions` like the curve's (same token, so candles, volume, holders and scores run on through the
-- migration); the venue of a trade is the type of its pool (megatron_venue). Deposits and withdrawals change
-- a pool's reserves without a trade: they are kept here, and move the pool's state like a trade does.
CREATE TABLE liquidity_events (
    signature TEXT NOT NULL,
    ix_index INTEGER NOT NULL,
    inner_ix_index INTEGER NOT NULL,
    block_time TIMESTAMPTZ NOT NULL,
    slot BIGINT NOT NULL,
    pool TEXT NOT NULL,
    token_id UUID NOT NULL REFERENCES tokens (id),
    kind TEXT NOT NULL CHECK (kind IN ('deposit', 'withdraw')),
    user_address TEXT NOT NULL,
    base_amount NUMERIC(20,0) NOT NULL,
    quote_amount NUMERIC(20,0) NOT NULL,
    lp_amount NUMERIC(20,0),
    -- The pool's reserves after the change (null when the decoder could not tell them).
    base_reserves NUMERIC(20,0),
    quote_reserves NUMERIC(20,0),
    PRIMARY KEY (signature, ix_index, inner_ix_index)
);

CREATE INDEX idx_liquidity_events_pool_slot ON liquidity_events (pool, slot DESC);

-- The slot an AMM pool was created in: live sources follow the pools of tracked tokens and list each one's
-- history from there (src/sources/tracked.ts).
ALTER TABLE pools ADD COLUMN created_slot BIGINT;

-- Where a trade happened, from its pool's type: the launchpad's curve, or the AMM it graduated to.
CREATE FUNCTION megatron_venue(pool_type TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN pool_type IN ('bonding_curve', 'launchlab') THEN 'curve' ELSE pool_type END $$;

-- Holders. holder_balances: the exact balance per (mint, owner) from transactions' post token balances
-- (bonding-curve and pool vault owners excluded by the writer), forward-only by slot so an older
-- transaction arriving late never overwrites a newer balance. Keyed by mint, not token id: balances may
-- arrive before the token row does.
CREATE TABLE holder_balances (
    mint TEXT NOT NULL,
    owner TEXT NOT NULL,
    amount NUMERIC(20,0) NOT NULL,
    slot BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (mint, owner)
);
CREATE INDEX idx_holder_balances_holders ON holder_balances (mint, amount DESC) WHERE amount > 0;

-- The seed's holder_snapshots, with held_supply (the denominator of the concentrations) added and the
-- size buckets counted in whole tokens (docs/analytics.md). raw_distribution holds every positive
-- balance as [owner, amount], largest first, so each figure can be recomputed from the row itself.
CREATE TABLE holder_snapshots (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    token_id UUID REFERENCES tokens (id) NOT NULL,
    snapshot_time TIMESTAMPTZ NOT NULL,
    total_holders INTEGER NOT NULL,
    held_supply NUMERIC(20,0) NOT NULL,
    top_10_concentration NUMERIC(5,2),
    top_25_concentration NUMERIC(5,2),
    gini_coefficient NUMERIC(5,4),
    holders_1_100 INTEGER DEFAULT 0,
    holders_100_1k INTEGER DEFAULT 0,
    holders_1k_10k INTEGER DEFAULT 0,
    holders_10k_plus INTEGER DEFAULT 0,
    raw_distribution JSONB,
    created_at TIMESTAMPTZ DEFAULT NOW()
);
CREATE INDEX idx_holder_snapshots_token_time ON holder_snapshots (token_id, snapshot_time DESC);

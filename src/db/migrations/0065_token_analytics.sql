-- Real-time analytics (docs/realtime.md): one row per token with its CURRENT holder metrics, score and
-- trending rank, recomputed after every committed batch that touched the token (src/analytics/realtime/) and
-- repaired by the periodic jobs. History stays where it was: holder_snapshots and token_scores get a row
-- per periodic run, not per trade. as_of_slot is the newest slot of the committed data the row saw.
CREATE TABLE token_analytics (
    token_id UUID PRIMARY KEY REFERENCES tokens (id),
    computed_at TIMESTAMPTZ NOT NULL,
    as_of_slot BIGINT NOT NULL,
    -- holders (the holder_snapshots definitions; buckets NULL while the token's decimals are unknown)
    total_holders INTEGER NOT NULL,
    held_supply NUMERIC NOT NULL,
    top_10_concentration NUMERIC(5, 2) NOT NULL,
    top_25_concentration NUMERIC(5, 2) NOT NULL,
    gini_coefficient NUMERIC(5, 4) NOT NULL,
    holders_1_100 INTEGER,
    holders_100_1k INTEGER,
    holders_1k_10k INTEGER,
    holders_10k_plus INTEGER,
    dev_balance NUMERIC NOT NULL,
    sniper_wallets INTEGER NOT NULL,
    sniper_balance NUMERIC NOT NULL,
    bundle_wallets INTEGER NOT NULL,
    bundle_balance NUMERIC NOT NULL,
    -- score (the token_scores definitions)
    technical_score INTEGER NOT NULL CHECK (technical_score BETWEEN 0 AND 333),
    holder_score INTEGER NOT NULL CHECK (holder_score BETWEEN 0 AND 333),
    social_score INTEGER NOT NULL CHECK (social_score BETWEEN 0 AND 333),
    total_score INTEGER GENERATED ALWAYS AS (technical_score + holder_score + social_score) STORED,
    liquidity_score INTEGER NOT NULL,
    trading_score INTEGER NOT NULL,
    distribution_score INTEGER NOT NULL,
    score_details JSONB NOT NULL,
    -- trending (docs/scoring.md, "Trending rank"): 0–1000 and the figures it came from
    trending_score NUMERIC(8, 2) NOT NULL,
    trending_details JSONB NOT NULL
);
CREATE INDEX idx_token_analytics_total ON token_analytics (total_score DESC);
CREATE INDEX idx_token_analytics_trending ON token_analytics (trending_score DESC);
CREATE INDEX idx_token_analytics_computed_at ON token_analytics (computed_at);

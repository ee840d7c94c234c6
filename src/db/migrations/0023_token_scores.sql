-- The seed's token_scores: one row per scoring run (history), total generated. score_details holds the
-- formula version, every input and every component's points (docs/scoring.md), so a row can be
-- recomputed from itself.
CREATE TABLE token_scores (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    token_id UUID REFERENCES tokens (id) NOT NULL,
    calculated_at TIMESTAMPTZ NOT NULL,
    technical_score INTEGER NOT NULL CHECK (technical_score >= 0 AND technical_score <= 333),
    holder_score INTEGER NOT NULL CHECK (holder_score >= 0 AND holder_score <= 333),
    social_score INTEGER NOT NULL CHECK (social_score >= 0 AND social_score <= 333),
    total_score INTEGER GENERATED ALWAYS AS (technical_score + holder_score + social_score) STORED,
    liquidity_score INTEGER,
    trading_score INTEGER,
    distribution_score INTEGER,
    score_details JSONB,
    created_at TIMESTAMPTZ DEFAULT NOW()
);
CREATE INDEX idx_token_scores_token_time ON token_scores (token_id, calculated_at DESC);
CREATE INDEX idx_token_scores_total ON token_scores (total_score DESC);

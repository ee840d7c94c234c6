-- Trust policy (docs/decoding.md): events a launchpad program emits are stored even when the balance
-- self-check disagrees with them; the disagreement is kept here, one row per transaction, with the raw
-- transaction so it can be re-checked by later decoders (`megatron quarantine retry --flagged`).
CREATE TABLE decode_flags (
    signature TEXT PRIMARY KEY,
    slot BIGINT NOT NULL,
    source TEXT,
    -- The first problem's kind (verification_mismatch); all of them, with expected / actual figures, in problems.
    kind TEXT NOT NULL,
    problems JSONB NOT NULL,
    decoder_version TEXT NOT NULL,
    raw TEXT NOT NULL,
    flagged_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    rechecked_at TIMESTAMPTZ
);

CREATE INDEX idx_decode_flags_flagged_at ON decode_flags (flagged_at);

-- Which decoder judged a quarantined transaction: a retry with newer decoders reports what changed.
ALTER TABLE quarantine ADD COLUMN decoder_version TEXT;

-- Coverage: per program and instruction (0x + discriminator hex when unknown), how many invocations
-- produced events and how many produced none. A program upgrade adding an instruction shows up here.
CREATE TABLE decode_coverage (
    program_id TEXT NOT NULL,
    instruction TEXT NOT NULL,
    decoded BIGINT NOT NULL DEFAULT 0,
    empty BIGINT NOT NULL DEFAULT 0,
    first_seen TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (program_id, instruction)
);

-- Maintenance of the analytics history (both flavours). Run as TimescaleDB jobs where TimescaleDB is present
-- (timescale/0041), else by our scheduler (src/jobs/lifecycle.ts). `keep` comes from the configuration.

-- The seed's cleanup_old_scores: score history older than `keep` of tokens that never graduated. Returns the
-- number of rows deleted (the seed's returned void) so a run can report what it did.
CREATE FUNCTION cleanup_old_scores(keep INTERVAL DEFAULT INTERVAL '30 days') RETURNS BIGINT LANGUAGE sql AS $$
    WITH gone AS (
        DELETE FROM token_scores s USING tokens t
        WHERE s.token_id = t.id AND NOT t.is_graduated AND s.calculated_at < now() - keep
        RETURNING 1)
    SELECT count(*) FROM gone
$$;

-- Holder snapshots older than `keep`, except each token's latest one (what the API and scores read).
CREATE FUNCTION prune_holder_snapshots(keep INTERVAL DEFAULT INTERVAL '30 days') RETURNS BIGINT LANGUAGE sql AS $$
    WITH gone AS (
        DELETE FROM holder_snapshots h
        WHERE h.snapshot_time < now() - keep
          AND EXISTS (SELECT 1 FROM holder_snapshots n WHERE n.token_id = h.token_id AND n.snapshot_time > h.snapshot_time)
        RETURNING 1)
    SELECT count(*) FROM gone
$$;

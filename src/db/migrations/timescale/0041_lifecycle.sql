-- Data lifecycle on TimescaleDB (docs/operations.md): compression settings, candle compression and retention,
-- maintenance jobs. The intervals are the defaults; `megatron db lifecycle` aligns them with the configuration.

-- Trades: no segment-by, ordered by token then chain order. Measured on simulated history (bench/compression.ts):
-- most tokens trade a few dozen times a day, so segmenting by token left ~60-row batches whose per-batch
-- overhead dominated; one ordered stream still keeps each token's trades together (the token_id min/max
-- metadata lets a token's query skip other batches) and bundles of one signature adjacent. Chunks compressed
-- earlier keep their own settings.
ALTER TABLE transactions SET (
    timescaledb.compress_segmentby = '',
    timescaledb.compress_orderby = 'token_id, block_time, slot, ix_index, inner_ix_index'
);

-- 1-minute candles: compressed after a day, dropped after 7 (the seed). Coarser levels are read over longer
-- ranges and are ~5x/60x/1440x smaller: 5m kept 90 days (as long as the trades), 1h two years, 1d forever.
ALTER MATERIALIZED VIEW price_candles_1m SET (timescaledb.compress = true);
SELECT add_compression_policy('price_candles_1m', compress_after => INTERVAL '1 day');
SELECT add_retention_policy('price_candles_1m', drop_after => INTERVAL '7 days');
ALTER MATERIALIZED VIEW price_candles_5m SET (timescaledb.compress = true);
SELECT add_compression_policy('price_candles_5m', compress_after => INTERVAL '7 days');
SELECT add_retention_policy('price_candles_5m', drop_after => INTERVAL '90 days');
SELECT add_retention_policy('price_candles_1h', drop_after => INTERVAL '730 days');

-- Maintenance as TimescaleDB jobs (background workers on a server; our scheduler runs them on PGlite).
CREATE PROCEDURE megatron_cleanup_old_scores_job(job_id INTEGER, config JSONB) LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cleanup_old_scores((config->>'keep')::INTERVAL);
END;
$$;
CREATE PROCEDURE megatron_prune_holder_snapshots_job(job_id INTEGER, config JSONB) LANGUAGE plpgsql AS $$
BEGIN
    PERFORM prune_holder_snapshots((config->>'keep')::INTERVAL);
END;
$$;
SELECT add_job('megatron_cleanup_old_scores_job', INTERVAL '1 day', config => '{"keep": "30 days"}');
SELECT add_job('megatron_prune_holder_snapshots_job', INTERVAL '1 hour', config => '{"keep": "30 days"}');

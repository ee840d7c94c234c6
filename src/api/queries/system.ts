/** System-wide queries behind /stats and /ready (the seed's monitoring-dashboard queries). */

export interface OverviewRow {
  tokens_total: number;
  tokens_1h: number;
  tokens_graduated: number;
  trades_1m: number;
  trades_1h: number;
  trades_24h: number;
  volume_24h: string;
  quarantine_rows: number;
}

export const OVERVIEW = `
  SELECT (SELECT count(*)::int FROM tokens) AS tokens_total,
         (SELECT count(*)::int FROM tokens WHERE created_at > now() - interval '1 hour') AS tokens_1h,
         (SELECT count(*)::int FROM tokens WHERE is_graduated) AS tokens_graduated,
         count(*) FILTER (WHERE block_time > now() - interval '1 minute')::int AS trades_1m,
         count(*) FILTER (WHERE block_time > now() - interval '1 hour')::int AS trades_1h,
         count(*)::int AS trades_24h,
         COALESCE(sum(megatron_ui_amount(sol_amount, quote_decimals)), 0)::text AS volume_24h,
         (SELECT count(*)::int FROM quarantine) AS quarantine_rows
  FROM transactions WHERE block_time > now() - interval '24 hours'`;

export interface PlatformRow {
  platform: string;
  tokens: number;
  trades_24h: number;
}

export const BY_PLATFORM = `
  SELECT t.platform, count(*)::int AS tokens,
         COALESCE((SELECT count(*) FROM transactions x WHERE x.platform = t.platform AND x.block_time > now() - interval '24 hours'), 0)::int AS trades_24h
  FROM tokens t GROUP BY t.platform ORDER BY t.platform`;

export const CHECKPOINTS = `SELECT source, slot, updated_at FROM checkpoints ORDER BY source`;

export const JOBS = `
  SELECT job AS name, last_started_at AS last_run,
         (extract(epoch FROM (last_finished_at - last_started_at)) * 1000)::int AS duration_ms,
         CASE WHEN last_status = 'failure' THEN COALESCE(last_error, 'failed') END AS error
  FROM job_runs ORDER BY job`;

/** Seconds since the newest committed trade's block time (NULL on an empty database). */
export const LAG = `SELECT extract(epoch FROM now() - block_time)::float8 AS lag FROM transactions ORDER BY block_time DESC LIMIT 1`;

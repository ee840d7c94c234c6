import { InvalidArgumentError, type Command } from 'commander';
import { startApiServer } from '../api/start.ts';
import { openCache } from '../cache/open.ts';
import type { Config } from '../config.ts';
import { openDb, type OpenDbOptions } from '../db/index.ts';
import { createLiveFeed } from '../feed/live-feed.ts';

const intOption = (min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw new InvalidArgumentError(`expected an integer between ${min} and ${max}`);
  return n;
};

/**
 * The database `serve` reads: the replica DATABASE_READ_URL when set — never migrated, since a standby is
 * read-only (the primary's writer migrates, the schema arrives by replication) — else DATABASE_URL, else
 * the embedded one. The API only reads the database (its caches and rate-limit counters live in Redis or
 * in memory), so a replica serves all of it.
 */
export function readDbOptions(config: Pick<Config, 'databaseUrl' | 'databaseReadUrl' | 'dataDir'>): OpenDbOptions {
  return config.databaseReadUrl ? { databaseUrl: config.databaseReadUrl, migrate: false } : { databaseUrl: config.databaseUrl, dataDir: config.dataDir };
}

/**
 * `megatron serve`: the read-only API, the live feed and the dashboard, over the configured database.
 * With NATS_URL the live feed reads the event stream, so any number of `serve` processes show the same
 * feed and /stream clients can resume; else with Redis it shows the events of a `megatron run` in another
 * process. The embedded database can be opened by one process only, so there `megatron run` serves the
 * API itself.
 */
export function register(program: Command, config: Config): void {
  program
    .command('serve')
    .description('HTTP API, live feed (/stream) and dashboard (/) over the configured database')
    .option('--host <host>', 'address to bind (API_HOST)', config.apiHost)
    .option('--port <port>', 'port (API_PORT)', intOption(0, 65535), config.apiPort)
    .option('--rate-limit <n>', 'requests per minute per client, 0 = off', intOption(0, 1_000_000), 1200)
    .option('--max-lag <seconds>', '/ready is 503 while ingest lags more than this', intOption(1, 86_400), 60)
    .action(async (opts: { host: string; port: number; rateLimit: number; maxLag: number }) => {
      const db = await openDb(readDbOptions(config));
      const cache = await openCache({ redisUrl: config.redisUrl });
      const { url: natsUrl } = config.bus;
      const feed = await createLiveFeed({ redisUrl: config.redisUrl, ...(natsUrl ? { bus: { ...config.bus, url: natsUrl } } : {}) });
      const api = await startApiServer({ db, cache, feed, host: opts.host, port: opts.port, rateLimitPerMinute: opts.rateLimit, maxLagSeconds: opts.maxLag });
      process.stderr.write(`megatron: API and dashboard on ${api.url}  (OpenAPI: ${api.url}/openapi.json)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await api.close();
      await feed.close();
      await cache.close();
      await db.close();
    });
}

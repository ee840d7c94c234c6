/**
 * `npm run load` — the seed's session-6 load test against a running system: insert a trade, query price
 * data, calculate a score, read cached data, plus HTTP API reads, from `--concurrency` concurrent clients
 * for `--duration` seconds. Starts the system itself: a scratch database on the configured server
 * (DATABASE_URL, dropped afterwards) or the embedded database, Redis when REDIS_URL is set (else the
 * in-process cache), the API on a free port. Prints a table, or one JSON object with `--json`.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 npm run load -- --duration 30
 *
 * Options: --duration S, --concurrency N, --tokens N, --trades N (per token, seeded), --embedded (ignore
 * DATABASE_URL), --json.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { getCandles } from '../src/analytics/candles/query.ts';
import { refreshCandles } from '../src/analytics/candles/refresh.ts';
import { applyTokenBalances } from '../src/analytics/holders/balances.ts';
import { takeHolderSnapshots } from '../src/analytics/holders/snapshot.ts';
import { computeTokenAnalytics } from '../src/analytics/realtime/compute.ts';
import { fetchMetadataFacts } from '../src/analytics/scores/metadata.ts';
import { scoreTokens } from '../src/analytics/scores/run.ts';
import { SqlApiData } from '../src/api/data.ts';
import { buildServer } from '../src/api/server.ts';
import { openCache } from '../src/cache/open.ts';
import type { Cache } from '../src/cache/store.ts';
import { loadHotTokens } from '../src/cache/sync.ts';
import { readHotTokens } from '../src/cache/tokens.ts';
import { loadConfig } from '../src/config.ts';
import { cacheRequests } from '../src/core/metrics.ts';
import { openDb } from '../src/db/index.ts';
import type { TradeEvent } from '../src/core/events.ts';
import type { Db } from '../src/db/types.ts';
import { EventWriter } from '../src/db/writer.ts';
import { MemoryLiveFeed, type LiveFeed } from '../src/feed/live-feed.ts';
import { holderBalances, signature, syntheticMarket, type MarketToken } from '../test/e2e/api/market.ts';
import { createScratchDatabase } from '../src/db/scratch.ts';

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '32' },
    tokens: { type: 'string', default: '300' },
    trades: { type: 'string', default: '60' },
    embedded: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const positiveInt = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${v}`);
  return n;
};
const DURATION_S = positiveInt('duration', opts.duration);
const CONCURRENCY = positiveInt('concurrency', opts.concurrency);
const TOKENS = positiveInt('tokens', opts.tokens);
const TRADES = positiveInt('trades', opts.trades);
const say = (msg: string) => process.stderr.write(`load: ${msg}\n`);

/**
 * The mix, by weight (the seed's loop weighs its four operations equally; a live launchpad does not):
 * reads dominate and most hit the cache (prices, scores, the hot set) or the API; scores are computed
 * by a job, not per request; writes arrive in pipeline batches in production, here one trade per
 * transaction when alone, committed together with concurrent ones otherwise (the pipeline's batching).
 */
const MIX = { insert_trade: 8, query_price: 10, calculate_score: 2, read_cached: 55, api_read: 25 } as const;
type OpName = keyof typeof MIX;

interface System {
  db: Db;
  backend: 'server' | 'embedded';
  /** Server backend: the scratch database's URL (the API worker opens its own pool on it). */
  url?: string;
  dropDatabase?: () => Promise<void>;
}

async function openSystem(): Promise<System> {
  const config = loadConfig();
  if (opts.embedded || !config.databaseUrl) {
    return { db: await openDb({ inMemory: true }), backend: 'embedded' };
  }
  const scratch = await createScratchDatabase(config.databaseUrl, 'megatron_load');
  const db = await openDb({ databaseUrl: scratch.url, maxConnections: 16 });
  await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').catch(() => undefined);
  // Without FORCE first: closing pools may still be saying goodbye, and a forced drop would terminate those
  // sessions under them (an error event on an already-closed pool).
  const dropDatabase = async () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        return await scratch.drop(false);
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await scratch.drop();
  };
  return { db, backend: 'server', url: scratch.url, dropDatabase };
}

/** Read popularity: a few tokens get most of the traffic, as on a real launchpad (index ∝ r²). */
function pick<T>(items: readonly T[]): T {
  const r = Math.random();
  return items[Math.floor(r * r * items.length)]!;
}

/** Writes and scoring runs spread over all tokens. */
function anyOf<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

/**
 * Group commit: trades submitted while a commit is in flight wait for the next one, which takes them all —
 * what the pipeline's batcher does under load. One client alone still gets a transaction per trade.
 */
class GroupCommit {
  private pending: Array<{ trade: TradeEvent; done: (err?: unknown) => void }> = [];
  private flushing = false;
  constructor(private readonly commit: (trades: TradeEvent[]) => Promise<void>) {}

  add(trade: TradeEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ trade, done: (err) => (err ? reject(err) : resolve()) });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.commit(batch.map((b) => b.trade));
        for (const b of batch) b.done();
      } catch (err) {
        for (const b of batch) b.done(err);
      }
    }
    this.flushing = false;
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function slowestStatements(db: Db): Promise<Array<{ query: string; calls: number; mean_ms: number; max_ms: number }> | string> {
  try {
    const res = await db.query<{ query: string; calls: bigint; mean_ms: number; max_ms: number }>(
      `SELECT regexp_replace(query, '\\s+', ' ', 'g') AS query, calls, mean_exec_time AS mean_ms, max_exec_time AS max_ms
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       ORDER BY mean_exec_time DESC LIMIT 10`,
    );
    return res.rows.map((r) => ({ ...r, calls: Number(r.calls) }));
  } catch (err) {
    return `pg_stat_statements not available (${(err as Error).message.split('\n')[0]})`;
  }
}

async function main(): Promise<void> {
  const system = await openSystem();
  const { db } = system;
  const keyPrefix = `megatron:load:${randomBytes(4).toString('hex')}:`;
  const cache = await openCache({ redisUrl: loadConfig().redisUrl, keyPrefix });
  const feed = new MemoryLiveFeed();
  try {
    say(`seeding ${TOKENS} tokens × ${TRADES} trades on the ${system.backend} database (${db.flavour}), cache: ${cache.kind}`);
    const market = syntheticMarket({ tokens: TOKENS, tradesPerToken: TRADES });
    const writer = new EventWriter(db);
    await writer.transaction(async (w) => {
      await w.writeEvents(market.events, 'load');
      await applyTokenBalances(w.tx, holderBalances(market));
    });
    await refreshCandles(db);
    await takeHolderSnapshots(db);
    await scoreTokens(db, cache, { metadataTimeoutMs: 100 });
    await db.query('ANALYZE'); // what autovacuum does after a bulk load: plans from real statistics
    say('seeded; starting the API');
    if (system.backend === 'server') await db.query('SELECT pg_stat_statements_reset()').catch(() => undefined);

    const data = new SqlApiData({ db, cache, feed, maxLagSeconds: 60 });
    const api = system.url
      ? await startApiWorker({ databaseUrl: system.url, redisUrl: loadConfig().redisUrl, keyPrefix })
      : await startApi({ db, cache, feed });
    const base = api.base;
    const tokens = market.tokens;
    const scoreTargets = new Map<string, { tokenId: string }>();
    for (const r of (await db.query<{ id: string; mint_address: string }>('SELECT id, mint_address FROM tokens')).rows) scoreTargets.set(r.mint_address, { tokenId: r.id });
    let slot = 400_000_000;
    const commits = new GroupCommit(async (trades) => {
      await writer.transaction((w) => w.writeEvents(trades, 'load'));
      await feed.publish(trades);
    });

    const ops: Record<OpName, () => Promise<void>> = {
      /** One trade through the storage writer (group commit, as the pipeline batches), then published to the live feed. */
      insert_trade: async () => {
        const t: MarketToken = anyOf(tokens);
        const template = t.trades[t.trades.length - 1]!;
        await commits.add({ ...template, signature: signature(), slot: slot++, blockTime: Math.floor(Date.now() / 1000) });
      },
      /** Price data: the last hour of 1-minute candles. */
      query_price: async () => {
        const to = new Date();
        await getCandles(db, pick(tokens).mint, '1m', new Date(to.getTime() - 3_600_000), to);
      },
      /** One token's real-time analytics (holder metrics, score, trending) from its stored data (metadata from its cache). */
      calculate_score: async () => {
        const t = anyOf(tokens);
        const uri = `https://example.invalid/${t.symbol}.json`;
        const metadata = await fetchMetadataFacts(uri, { cache, timeoutMs: 100 });
        const token = { tokenId: scoreTargets.get(t.mint)!.tokenId, mint: t.mint, name: t.symbol, symbol: t.symbol, uri, creator: null, decimals: 6 };
        await computeTokenAnalytics(db, [token], new Date(), new Map([[t.mint, metadata]]));
      },
      /** The seed's cached reads: current price, score, hot set (read-through: the database answers a miss). */
      read_cached: async () => {
        const r = Math.random();
        const mint = pick(tokens).mint;
        if (r < 0.45) await data.price(mint);
        else if (r < 0.9) await data.latestScore(mint);
        else await readHotTokens(cache, 20, () => loadHotTokens(db));
      },
      /** HTTP reads as a dashboard makes them. */
      api_read: async () => {
        const mint = pick(tokens).mint;
        const r = Math.random();
        const path =
          r < 0.35 ? `/tokens/${mint}` : r < 0.55 ? '/tokens/hot?limit=20' : r < 0.75 ? `/tokens/${mint}/trades?limit=20` : r < 0.9 ? `/tokens/${mint}/candles?tf=1m` : '/tokens?limit=50';
        const res = await fetch(`${base}${path}`);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${path} → ${res.status}`);
      },
    };
    const names = Object.keys(MIX) as OpName[];
    const totalWeight = names.reduce((a, n) => a + MIX[n], 0);
    const choose = (): OpName => {
      let r = Math.random() * totalWeight;
      for (const n of names) if ((r -= MIX[n]) < 0) return n;
      return names[names.length - 1]!;
    };

    const cacheCount = async () => {
      const v = (await cacheRequests.get()).values;
      const sum = (result: string) => v.filter((x) => x.labels.result === result).reduce((a, x) => a + x.value, 0);
      return { hits: sum('hit'), misses: sum('miss') };
    };

    const runFor = async (seconds: number, record: boolean) => {
      const latencies = new Map<OpName, number[]>(names.map((n) => [n, []]));
      const errors = new Map<string, number>();
      const deadline = performance.now() + seconds * 1000;
      const worker = async () => {
        while (performance.now() < deadline) {
          const name = choose();
          const start = performance.now();
          try {
            await ops[name]();
            if (record) latencies.get(name)!.push(performance.now() - start);
          } catch (err) {
            const msg = `${name}: ${(err as Error).message.split('\n')[0]}`;
            errors.set(msg, (errors.get(msg) ?? 0) + 1);
          }
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      return { latencies, errors, elapsed: (performance.now() - started) / 1000 };
    };

    say(`warming up 2 s, then ${DURATION_S} s at concurrency ${CONCURRENCY}`);
    await runFor(2, false);
    const before = await cacheCount();
    const eluStart = performance.eventLoopUtilization();
    const { latencies, errors, elapsed } = await runFor(DURATION_S, true);
    const elu = performance.eventLoopUtilization(eluStart).utilization;
    const after = await cacheCount();
    const hits = after.hits - before.hits;
    const misses = after.misses - before.misses;

    const all = Float64Array.from([...latencies.values()].flat()).sort();
    const byOp: Record<string, { count: number; ops_per_s: number; p50_ms: number; p95_ms: number; p99_ms: number; max_ms: number }> = {};
    for (const n of names) {
      const l = Float64Array.from(latencies.get(n)!).sort();
      byOp[n] = { count: l.length, ops_per_s: round(l.length / elapsed), p50_ms: round(percentile(l, 50)), p95_ms: round(percentile(l, 95)), p99_ms: round(percentile(l, 99)), max_ms: round(l[l.length - 1] ?? 0) };
    }
    const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
    const result = {
      ops_per_s: round(all.length / elapsed),
      p50_ms: round(percentile(all, 50)),
      p99_ms: round(percentile(all, 99)),
      cache_hit_rate: hits + misses > 0 ? round(hits / (hits + misses), 4) : 0,
      errors: errorCount,
      by_op: byOp,
    };
    const statements = system.backend === 'server' ? await slowestStatements(db) : 'embedded database: no pg_stat_statements';
    await api.stop();

    if (opts.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      const w = (s: string | number, n: number) => String(s).padStart(n);
      const lines = [
        `backend ${system.backend} (${db.flavour}), cache ${cache.kind}, concurrency ${CONCURRENCY}, ${elapsed.toFixed(1)} s, ${TOKENS} tokens`,
        '',
        `${'operation'.padEnd(16)}${w('weight', 7)}${w('count', 9)}${w('ops/s', 9)}${w('p50 ms', 9)}${w('p95 ms', 9)}${w('p99 ms', 9)}${w('max ms', 9)}`,
        ...names.map((n) => {
          const o = byOp[n]!;
          return `${n.padEnd(16)}${w(MIX[n], 7)}${w(o.count, 9)}${w(o.ops_per_s.toFixed(0), 9)}${w(o.p50_ms.toFixed(2), 9)}${w(o.p95_ms.toFixed(2), 9)}${w(o.p99_ms.toFixed(2), 9)}${w(o.max_ms.toFixed(1), 9)}`;
        }),
        `${'all'.padEnd(16)}${w('', 7)}${w(all.length, 9)}${w(result.ops_per_s.toFixed(0), 9)}${w(result.p50_ms.toFixed(2), 9)}${w(percentile(all, 95).toFixed(2), 9)}${w(result.p99_ms.toFixed(2), 9)}${w((all[all.length - 1] ?? 0).toFixed(1), 9)}`,
        '',
        `cache hit rate ${(result.cache_hit_rate * 100).toFixed(2)} % (${hits} hits, ${misses} misses); errors ${errorCount}`,
        `event loop of the load clients${system.url ? '' : ' (and the in-process API)'} busy ${(elu * 100).toFixed(0)} %; machine load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} CPUs`,
        ...[...errors].map(([m, c]) => `  ${c} × ${m}`),
        '',
        'slowest statements (pg_stat_statements, mean):',
        ...(typeof statements === 'string'
          ? [`  ${statements}`]
          : statements.map((s) => `  ${s.mean_ms.toFixed(2).padStart(8)} ms mean ${s.max_ms.toFixed(1).padStart(8)} ms max ${String(s.calls).padStart(7)} calls  ${s.query.slice(0, 110)}`)),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  } finally {
    await cache.close();
    await db.close();
    await system.dropDatabase?.();
  }
}

interface RunningApi {
  base: string;
  stop(): Promise<void>;
}

/** One load generator is one client: the per-client limit would throttle it, so the bench serves without it. */
async function startApi(deps: { db: Db; cache: Cache; feed: LiveFeed }): Promise<RunningApi> {
  const app = await buildServer({ data: new SqlApiData({ ...deps, maxLagSeconds: 60 }), feed: deps.feed, rateLimit: null, dashboard: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, stop: () => app.close() };
}

interface ApiWorkerData {
  databaseUrl: string;
  redisUrl: string | undefined;
  keyPrefix: string;
}

/**
 * Server backend: the API runs in a worker thread with its own pool and cache connection — its own event
 * loop, as a separate `megatron serve` would be — so the load generator's clients do not queue behind it.
 * (The embedded database lives in one thread, so there the API stays in-process.)
 */
async function startApiWorker(data: ApiWorkerData): Promise<RunningApi> {
  // A worker does not inherit the main thread's `--import tsx` loader (Node 20): register it before loading this file.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: data });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port: number }) => resolve(m.port));
    worker.once('error', reject);
  });
  return {
    base: `http://127.0.0.1:${port}`,
    stop: async () => {
      const closed = new Promise((r) => worker.once('message', r));
      worker.postMessage('stop');
      await closed;
      await worker.terminate();
    },
  };
}

async function apiWorker(data: ApiWorkerData): Promise<void> {
  const db = await openDb({ databaseUrl: data.databaseUrl, migrate: false, maxConnections: 8 });
  const cache = await openCache({ redisUrl: data.redisUrl, keyPrefix: data.keyPrefix });
  const api = await startApi({ db, cache, feed: new MemoryLiveFeed() });
  parentPort!.postMessage({ port: Number(new URL(api.base).port) });
  parentPort!.once('message', async () => {
    await api.stop();
    await cache.close();
    await db.close();
    parentPort!.postMessage('closed');
  });
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

(isMainThread ? main() : apiWorker(workerData as ApiWorkerData)).catch((err: unknown) => {
  process.stderr.write(`load: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

/**
 * Freshness benchmark: how long after a trade arrives is its effect readable through the HTTP API?
 * `npm run bench:freshness [-- --seconds S] [-- --rate R] [-- --tx N] [-- --backends embedded,server] [-- --no-redis] [-- --blocks B] [-- --no-freshness] [-- --json]`.
 *
 * Per backend, on a fresh database with the API in-process (real HTTP on localhost) and Redis as cache
 * (`--no-redis`: the in-process cache the app falls back to without Redis):
 *  1. freshness: simulated traffic at R tx/s (default 1,000) for S seconds through the pipeline with the
 *     run command's after-commit hooks (prices to the cache, real-time analytics). Every 500 ms one trade
 *     of a just-committed batch is followed: from the arrival of its batch's earliest transaction (an upper
 *     bound for the trade's own) until the API shows
 *       price    `/tokens/:mint` price.last_trade is this trade or a later one of the token,
 *       candle   `/tokens/:mint/candles?tf=1m` counts at least the token's trades up to this one,
 *       holders  `/tokens/:mint/holders` is live with as_of_slot ≥ the trade's slot,
 *       score    `/tokens/:mint` score_as_of_slot ≥ the trade's slot,
 *       hot      `/tokens/hot?rank=trending&limit=100` ranks the token by that current trending rank
 *                (rank_score equal), or is full of higher ranks without it;
 *     and every 500 ms one token launched in a committed batch is followed until it has
 *       first_score  a score at `/tokens/:mint`.
 *     Conditions are polled every 20 ms (price, candle) / 100 ms (others; on the embedded database the
 *     API's queries share the one PGlite with the pipeline, so the probes' own load must stay small): figures are that coarse.
 *  2. throughput: N transactions (bundle-heavy, as bench:pipeline) at full speed, with the real-time
 *     analytics hook and without it, in B blocks (default 1) of four runs (off, on, on, off) → trades/s of each,
 *     their ratio, and the lowest and highest block's ratio (how far one block's figure can be trusted).
 *     `--no-freshness` runs only this part.
 */
import { randomBytes } from 'node:crypto';
import { LiveAnalytics } from '../src/analytics/realtime/worker.ts';
import { startApiServer } from '../src/api/start.ts';
import { openCache } from '../src/cache/open.ts';
import type { Cache } from '../src/cache/store.ts';
import { loadConfig } from '../src/config.ts';
import type { Db } from '../src/db/types.ts';
import { MemoryLiveFeed } from '../src/feed/live-feed.ts';
import type { CommittedBatch } from '../src/pipeline/commit.ts';
import { ThreadedSource } from '../src/pipeline/decode-thread.ts';
import { cachePricesHook, liveAnalyticsHook, type AfterCommitHook } from '../src/pipeline/hooks.ts';
import { Pipeline } from '../src/pipeline/pipeline.ts';
import type { SimulateOptions } from '../src/sources/simulate/index.ts';
import { benchFlags } from './flags.ts';
import { openBackend, percentile, type Backend } from './backends.ts';

interface Args {
  json: boolean;
  redis: boolean;
  seconds: number;
  rate: number;
  tx: number;
  blocks: number;
  freshness: boolean;
  backends: Backend[];
}

function parseArgs(argv: string[]): Args {
  const { get, positive, has } = benchFlags(argv);
  return { json: has('json'), redis: !has('no-redis'), seconds: positive('seconds', 30), rate: positive('rate', 1000), tx: positive('tx', 20_000), blocks: positive('blocks', 1), freshness: !has('no-freshness'), backends: (get('backends') ?? 'embedded,server').split(',') as Backend[] };
}

const EFFECTS = ['price', 'candle', 'holders', 'score', 'first_score', 'hot'] as const;
type Effect = (typeof EFFECTS)[number];
const TIMEOUT_MS = 10_000;
const SAMPLE_EVERY_MS = 500;

/** Reads the API until `ready` holds, polling every `everyMs`; ms from `arrivalMs`, or null on timeout. */
async function until(arrivalMs: number, everyMs: number, ready: () => Promise<boolean>): Promise<number | null> {
  for (;;) {
    if (await ready().catch(() => false)) return Date.now() - arrivalMs;
    if (Date.now() - arrivalMs > TIMEOUT_MS) return null;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** What the probes know of the committed trades: per mint, each trade's position in commit order and its slot. */
class CommittedTrades {
  private readonly order = new Map<string, Map<string, { position: number; slot: number }>>();
  add(mint: string, signature: string, slot: number): number {
    const m = this.order.get(mint) ?? new Map<string, { position: number; slot: number }>();
    this.order.set(mint, m);
    if (!m.has(signature)) m.set(signature, { position: m.size + 1, slot });
    return m.get(signature)!.position;
  }
  slotOf(mint: string, signature: string): number {
    return this.order.get(mint)?.get(signature)?.slot ?? -1;
  }
}

/** The hook that starts a probe every SAMPLE_EVERY_MS on a trade (and a launch) of the batch just committed. */
function probeHook(base: string, latencies: Record<Effect, number[]>, missed: Record<Effect, number>, probes: Promise<void>[]): AfterCommitHook {
  const trades = new CommittedTrades();
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${base}${path}`);
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  const record = (effect: Effect, ms: number | null): void => {
    if (ms === null) missed[effect]++;
    else latencies[effect].push(ms);
  };
  let lastTrade = 0;
  let lastLaunch = 0;
  return {
    name: 'freshness_probe',
    run: async (b: CommittedBatch) => {
      let sample: { mint: string; signature: string; slot: number; position: number } | null = null;
      for (const e of b.events) if (e.type === 'trade') sample = { mint: e.mint, signature: e.signature, slot: e.slot, position: trades.add(e.mint, e.signature, e.slot) };
      const arrival = Math.min(...b.receivedAtMs);
      const now = Date.now();
      if (sample && now - lastTrade >= SAMPLE_EVERY_MS) {
        lastTrade = now;
        const s = sample;
        const from = Math.floor(now / 1000) - 3 * 3600;
        probes.push(
          until(arrival, 20, async () => {
            const t = await get<{ price: { last_signature: string | null } }>(`/tokens/${s.mint}`);
            // The price's trade is the token's last by (block time, slot, …): this trade's slot or a later one.
            return trades.slotOf(s.mint, t.price.last_signature ?? '') >= s.slot;
          }).then((ms) => record('price', ms)),
          until(arrival, 20, async () => {
            const c = await get<{ data: { trades: number }[] }>(`/tokens/${s.mint}/candles?tf=1m&from=${from}&to=${from + 4 * 3600}`);
            return c.data.reduce((n, x) => n + x.trades, 0) >= s.position;
          }).then((ms) => record('candle', ms)),
          until(arrival, 100, async () => ((await get<{ snapshot: { as_of_slot: number | null } | null }>(`/tokens/${s.mint}/holders?limit=1`)).snapshot?.as_of_slot ?? -1) >= s.slot).then((ms) => record('holders', ms)),
          until(arrival, 100, async () => ((await get<{ score_as_of_slot: number | null }>(`/tokens/${s.mint}`)).score_as_of_slot ?? -1) >= s.slot).then((ms) => record('score', ms)),
          until(arrival, 100, async () => {
            // The trending list reflects the trade: the token's current trending rank (computed with data through
            // this trade's slot) is what the list ranks it by — or the list is full of higher ranks without it.
            const t = await get<{ score_as_of_slot: number | null; trending: number | null }>(`/tokens/${s.mint}`);
            if ((t.score_as_of_slot ?? -1) < s.slot || t.trending === null) return false;
            const { data } = await get<{ data: { mint: string; rank_score: number }[] }>(`/tokens/hot?rank=trending&limit=100`);
            const entry = data.find((x) => x.mint === s.mint);
            return entry ? entry.rank_score === t.trending : data.length === 100 && data[data.length - 1]!.rank_score >= t.trending;
          }).then((ms) => record('hot', ms)),
        );
      }
      const launch = b.events.find((e) => e.type === 'token_created');
      if (launch && now - lastLaunch >= SAMPLE_EVERY_MS) {
        lastLaunch = now;
        probes.push(until(arrival, 100, async () => (await get<{ score: number | null }>(`/tokens/${launch.mint}`)).score !== null).then((ms) => record('first_score', ms)));
      }
    },
  };
}

const SIM = (seed: string, extra: Partial<SimulateOptions>): SimulateOptions => ({ seed, startTime: Math.floor(Date.now() / 1000), ...extra });

interface FreshnessRow {
  backend: Backend;
  effect: Effect;
  samples: number;
  not_visible: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

async function freshness(backend: Backend, db: Db, cache: Cache, args: Args): Promise<FreshnessRow[]> {
  const feed = new MemoryLiveFeed();
  const api = await startApiServer({ db, cache, feed, host: '127.0.0.1', port: 0, rateLimitPerMinute: 0 });
  const live = new LiveAnalytics(db, cache, { metadataTimeoutMs: 200 });
  const rounds: { tokens: number; ms: number }[] = [];
  live.onRound((r) => rounds.push(r));
  const latencies = Object.fromEntries(EFFECTS.map((e) => [e, [] as number[]])) as Record<Effect, number[]>;
  const missed = Object.fromEntries(EFFECTS.map((e) => [e, 0])) as Record<Effect, number>;
  const probes: Promise<void>[] = [];
  try {
    const pipeline = new Pipeline({
      source: new ThreadedSource({ kind: 'simulate', options: SIM('bench-freshness', { rate: args.rate, durationSeconds: args.seconds }) }),
      db,
      checkpointName: 'bench-freshness',
      maxBatchRows: loadConfig().batchMaxRows,
      maxBatchWaitMs: loadConfig().batchMaxWaitMs,
      signal: new AbortController().signal,
      hooks: [cachePricesHook(db, cache), liveAnalyticsHook(live), probeHook(api.url, latencies, missed, probes)],
    });
    await pipeline.run();
    await Promise.all(probes);
  } finally {
    await live.close();
    await api.close();
    await feed.close();
  }
  const ms = rounds.map((r) => r.ms).sort((a, b) => a - b);
  const tokens = rounds.reduce((n, r) => n + r.tokens, 0);
  process.stderr.write(`${backend}: ${rounds.length} analytics rounds, ${(tokens / Math.max(1, rounds.length)).toFixed(1)} tokens/round, round p50 ${percentile(ms, 50)} ms p99 ${percentile(ms, 99)} ms\n`);
  return EFFECTS.map((effect) => {
    const l = latencies[effect].sort((a, b) => a - b);
    return { backend, effect, samples: l.length, not_visible: missed[effect], p50_ms: percentile(l, 50), p99_ms: percentile(l, 99), max_ms: l[l.length - 1] ?? NaN };
  });
}

interface ThroughputRow {
  backend: Backend;
  trades_per_s_off: number;
  trades_per_s_on: number;
  ratio: number;
  block_ratio_min: number;
  block_ratio_max: number;
}

/**
 * Full-speed runs without and with real-time analytics (fresh seeds), in blocks of four in the order off, on,
 * on, off: each run meets a larger database than the one before, and this order gives both modes the same
 * mean position (off, on, off, on put every "on" later than its "off").
 */
async function throughput(backend: Backend, db: Db, cache: Cache, args: Args): Promise<ThroughputRow> {
  const blocks: Record<'on' | 'off', number[]>[] = [];
  let run = 0;
  for (let b = 0; b < args.blocks; b++) {
    const rates: Record<'on' | 'off', number[]> = { on: [], off: [] };
    for (const mode of ['off', 'on', 'on', 'off'] as const) {
      const live = mode === 'on' ? new LiveAnalytics(db, cache) : null;
      const name = `bench-throughput-${run++}`;
      const pipeline = new Pipeline({
        source: new ThreadedSource({ kind: 'simulate', options: SIM(name, { count: args.tx, bundleShare: 1 }) }),
        db,
        checkpointName: name,
        maxBatchRows: 5000,
        maxBatchWaitMs: 200,
        signal: new AbortController().signal,
        hooks: [cachePricesHook(db, cache), ...(live ? [liveAnalyticsHook(live)] : [])],
      });
      const t0 = performance.now();
      const stats = await pipeline.run();
      rates[mode].push(stats.tradesStored / ((performance.now() - t0) / 1000));
      await live?.close();
    }
    blocks.push(rates);
    if (args.blocks > 1) process.stderr.write(`${backend}: block ${b + 1}/${args.blocks} on/off ${ratio(rates.on, rates.off).toFixed(2)}\n`);
  }
  const off = mean(blocks.flatMap((r) => r.off));
  const on = mean(blocks.flatMap((r) => r.on));
  const perBlock = blocks.map((r) => ratio(r.on, r.off));
  return { backend, trades_per_s_off: Math.round(off), trades_per_s_on: Math.round(on), ratio: round2(on / off), block_ratio_min: round2(Math.min(...perBlock)), block_ratio_max: round2(Math.max(...perBlock)) };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ratio = (on: number[], off: number[]) => mean(on) / mean(off);
const round2 = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const fresh: FreshnessRow[] = [];
  const through: ThroughputRow[] = [];
  for (const backend of args.backends) {
    const { db, cleanup } = await openBackend(backend);
    const cache = await openCache({ redisUrl: args.redis ? (loadConfig().redisUrl ?? 'redis://127.0.0.1:6379') : undefined, keyPrefix: `megatron-bench:${randomBytes(4).toString('hex')}:` });
    try {
      if (args.freshness) {
        process.stderr.write(`${backend}: ${args.seconds} s at ${args.rate} tx/s (cache: ${cache.kind})\n`);
        fresh.push(...(await freshness(backend, db, cache, args)));
      }
      process.stderr.write(`${backend}: throughput, ${args.tx} tx × ${4 * args.blocks} runs (cache: ${cache.kind})\n`);
      through.push(await throughput(backend, db, cache, args));
    } finally {
      await cache.close();
      await db.close();
      await cleanup();
    }
  }
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ freshness: fresh, throughput: through }, null, 2)}\n`);
    return;
  }
  const w = (v: unknown, n: number) => String(v).padStart(n);
  if (fresh.length > 0) {
    console.log(`arrival → readable through the API, ${args.rate} tx/s for ${args.seconds} s`);
    console.log(`${'backend'.padEnd(10)}${'effect'.padEnd(13)}${w('samples', 8)}${w('not seen', 10)}${w('p50 ms', 9)}${w('p99 ms', 9)}${w('max ms', 9)}`);
    for (const r of fresh) console.log(`${r.backend.padEnd(10)}${r.effect.padEnd(13)}${w(r.samples, 8)}${w(r.not_visible, 10)}${w(r.p50_ms, 9)}${w(r.p99_ms, 9)}${w(r.max_ms, 9)}`);
    console.log('');
  }
  console.log(`pipeline throughput at full speed (${args.tx} tx per run, mean of ${2 * args.blocks} runs each, ${args.blocks} block(s) off/on/on/off)`);
  console.log(`${'backend'.padEnd(10)}${w('off trades/s', 14)}${w('on trades/s', 14)}${w('on/off', 8)}${w('block min', 11)}${w('block max', 11)}`);
  for (const r of through) console.log(`${r.backend.padEnd(10)}${w(r.trades_per_s_off, 14)}${w(r.trades_per_s_on, 14)}${w(r.ratio.toFixed(2), 8)}${w(r.block_ratio_min.toFixed(2), 11)}${w(r.block_ratio_max.toFixed(2), 11)}`);
}

await main();

/**
 * End-to-end pipeline benchmark: simulate → decode → batch → store, on the embedded database and on a
 * PostgreSQL server. `npm run bench:pipeline [-- --json] [-- --tx N] [-- --latency-seconds S]
 * [-- --stall-seconds S] [-- --backends embedded,server] [-- --in-thread] [-- --default-gc]`.
 *
 * Per backend, in its own process (so peak RSS is that backend's):
 *  1. full speed: N simulated transactions (bundle-heavy: 2-4 trades each) as fast as the pipeline takes
 *     them → trades/s and tx/s (wall clock);
 *  2. latency: 1,000 tx/s for S seconds → p50/p99 from a transaction's arrival at the source to its commit;
 *  3. server only: the trades table locked from another connection for `--stall-seconds` under full-speed
 *     input — the pipeline must hold its batch and stop pulling, so RSS stays flat.
 * Peak RSS is sampled every 50 ms over all phases. The full-speed phase also reports CPU per stored trade:
 * this process (all threads) and, for a server on this host, its backends (from /proc) — the machine is shared,
 * so wall-clock rates move with the load while CPU per trade mostly does not. As in `megatron run --source simulate`, the simulator and
 * the decoders run in a worker thread (`ThreadedSource`; `--in-thread`: on the writer's thread) and the child
 * applies the indexer's GC setting (src/core/heap.ts; `--default-gc`: V8's defaults).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';
import { tuneHeapForIngestion } from '../src/core/heap.ts';
import type { Db, Queryable } from '../src/db/types.ts';
import { EventWriter } from '../src/db/writer.ts';
import { commitBatch } from '../src/pipeline/commit.ts';
import { decodeItem, itemWeight, type DecodedSource, type PipelineItem } from '../src/pipeline/decode.ts';
import { ThreadedSource } from '../src/pipeline/decode-thread.ts';
import { Pipeline } from '../src/pipeline/pipeline.ts';
import { SimulateSource, type SimulateOptions } from '../src/sources/simulate/index.ts';
import type { TransactionSource } from '../src/sources/types.ts';
import { BENCH_SERVER_URL, openBackend, percentile, type Backend } from './backends.ts';

interface Args {
  json: boolean;
  tx: number;
  latencySeconds: number;
  stallSeconds: number;
  backends: Backend[];
  child: Backend | null;
  serverUrl: string;
  /** Commit-only profile: pre-decoded batches through commitBatch, statements counted and timed by kind. */
  profile: boolean;
  /** Simulator and decoders on the writer's thread instead of a worker thread. */
  inThread: boolean;
  /** V8's default heap growth instead of the indexer's GC setting (to measure what the setting costs and saves). */
  defaultGc: boolean;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, dflt: number): number => {
    const v = get(name);
    const n = v === undefined ? dflt : Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
    return n;
  };
  return {
    json: argv.includes('--json'),
    tx: num('tx', 30_000),
    latencySeconds: num('latency-seconds', 10),
    stallSeconds: num('stall-seconds', 60),
    backends: (get('backends') ?? 'server,embedded').split(',') as Backend[],
    child: (get('child') as Backend | undefined) ?? null,
    serverUrl: BENCH_SERVER_URL,
    profile: argv.includes('--profile'),
    inThread: argv.includes('--in-thread'),
    defaultGc: argv.includes('--default-gc'),
  };
}

export interface BackendResult {
  backend: Backend;
  trades_per_s: number;
  p50_ms: number;
  p99_ms: number;
  peak_rss_mb: number;
  /** Full-speed phase. */
  trades: number;
  tx_per_s: number;
  /** Latency phase: transactions measured and the batch window used. */
  latency_tx: number;
  batch_wait_ms: number;
  /** Stall phase (server): seconds locked, items pulled from the source while locked, RSS when the lock took hold and its peak while locked. */
  stall_s: number | null;
  stall_items_pulled: number | null;
  stall_rss_at_lock_mb: number | null;
  stall_peak_rss_mb: number | null;
  /**
   * Full-speed phase, CPU per stored trade: this process (all threads: writer, decoder thread, GC helpers)
   * and the database's backends (server on this host, read from /proc; null otherwise).
   */
  cpu_us_per_trade: number;
  db_cpu_us_per_trade: number | null;
  /** Load average (1 min) when the full-speed phase ended: the machine is shared. */
  load_1m: number;
}

/** CPU seconds a local process has used (user + system), or null when it is not on this host. */
function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s on Linux)
  } catch {
    return null;
  }
}

/** CPU seconds used so far by the database's backends serving `db` (server only). */
async function backendCpuSeconds(db: Db): Promise<Map<number, number> | null> {
  if (db.driver !== 'pg') return null;
  const { rows } = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    const s = processCpuSeconds(pid);
    if (s === null) return null;
    out.set(pid, s);
  }
  return out;
}

const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);

function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return {
    get peak() {
      return Math.max(peak, process.memoryUsage().rss);
    },
    reset: () => (peak = process.memoryUsage().rss),
    stop: () => clearInterval(timer),
  };
}

type BenchSource = TransactionSource | DecodedSource;

/** The simulator with these options, decoded in a worker thread unless `--in-thread`. */
const simulated = (options: SimulateOptions, args: Args): BenchSource => (args.inThread ? new SimulateSource(options) : new ThreadedSource({ kind: 'simulate', options }));

/**
 * Counts what left a source (to show it stops when the database is stalled): items the pipeline pulled, or
 * for the decoder thread every item that crossed from the worker, including those still queued.
 */
function counted(source: BenchSource): { source: BenchSource; pulled(): number } {
  if ('decoded' in source) {
    if (!(source instanceof ThreadedSource)) throw new Error('counted: a decoded source other than the decoder thread');
    return { source, pulled: () => source.received };
  }
  let n = 0;
  const stream = source.stream.bind(source);
  return {
    source: {
      name: source.name,
      async *stream(opts) {
        for await (const item of stream(opts)) {
          n++;
          yield item;
        }
      },
    },
    pulled: () => n,
  };
}

const SIM: SimulateOptions = { startTime: 1_750_000_000 };

async function runBackend(backend: Backend, args: Args): Promise<BackendResult> {
  const rss = rssSampler();
  const { db, url, cleanup } = await openBackend(backend, args.serverUrl);
  const signal = new AbortController().signal;
  try {
    // 1. Full speed.
    // Bundle-heavy mix (every trade transaction carries 2-4 buys): more trades per simulated transaction,
    // so the simulator (~10k tx per CPU-second) is less of the measurement.
    const full = new Pipeline({ source: simulated({ ...SIM, seed: 'bench-full', count: args.tx, bundleShare: 1 }, args), db, checkpointName: 'bench-full', maxBatchRows: 5000, maxBatchWaitMs: 200, signal });
    const dbCpu0 = await backendCpuSeconds(db);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const fullStats = await full.run();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const dbCpu1 = await backendCpuSeconds(db);
    const dbCpuSeconds = dbCpu0 && dbCpu1 ? [...dbCpu1].reduce((sum, [pid, s]) => sum + s - (dbCpu0.get(pid) ?? 0), 0) : null;
    const load1m = loadavg()[0]!;

    // 2. Latency at 1,000 tx/s.
    const latencies: number[] = [];
    const batchWaitMs = 50;
    const paced = new Pipeline({
      source: simulated({ ...SIM, seed: 'bench-latency', rate: 1000, count: Math.round(1000 * args.latencySeconds) }, args),
      db,
      checkpointName: 'bench-latency',
      maxBatchRows: 5000,
      maxBatchWaitMs: batchWaitMs,
      signal,
      hooks: [{ name: 'latency', run: async (b) => void latencies.push(...b.receivedAtMs.map((at) => b.committedAtMs - at)) }],
    });
    await paced.run();
    latencies.sort((a, b) => a - b);

    // 3. Stall (server): the trades table locked by another connection while input runs at full speed.
    let stall: Pick<BackendResult, 'stall_s' | 'stall_items_pulled' | 'stall_rss_at_lock_mb' | 'stall_peak_rss_mb'> = { stall_s: null, stall_items_pulled: null, stall_rss_at_lock_mb: null, stall_peak_rss_mb: null };
    if (url && args.stallSeconds > 0) stall = await stallPhase(db, url, args, rss);

    return {
      backend,
      trades_per_s: Math.round(fullStats.tradesStored / seconds),
      p50_ms: Math.round(percentile(latencies, 50)),
      p99_ms: Math.round(percentile(latencies, 99)),
      peak_rss_mb: mb(rss.peak),
      trades: fullStats.tradesStored,
      tx_per_s: Math.round(fullStats.txs / seconds),
      cpu_us_per_trade: Math.round((cpu.user + cpu.system) / fullStats.tradesStored),
      db_cpu_us_per_trade: dbCpuSeconds === null ? null : Math.round((dbCpuSeconds * 1e6) / fullStats.tradesStored),
      load_1m: Math.round(load1m * 100) / 100,
      latency_tx: latencies.length,
      batch_wait_ms: batchWaitMs,
      ...stall,
    };
  } finally {
    rss.stop();
    await db.close();
    await cleanup();
  }
}

async function stallPhase(db: Db, url: string, args: Args, rss: ReturnType<typeof rssSampler>) {
  const { stallSeconds } = args;
  const abort = new AbortController();
  const source = counted(simulated({ ...SIM, seed: 'bench-stall' }, args));
  const pipeline = new Pipeline({ source: source.source, db, checkpointName: 'bench-stall', maxBatchRows: 5000, maxBatchWaitMs: 200, signal: abort.signal });
  const running = pipeline.run();
  await new Promise((r) => setTimeout(r, 3000));
  const locker = new pg.Client({ connectionString: url });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE transactions IN ACCESS EXCLUSIVE MODE');
  // The batch already in COPY may still finish; what counts is that pulling stops soon after.
  await new Promise((r) => setTimeout(r, 2000));
  const pulledAtLock = source.pulled();
  const atLock = process.memoryUsage().rss;
  rss.reset();
  await new Promise((r) => setTimeout(r, stallSeconds * 1000));
  const pulledDuring = source.pulled() - pulledAtLock;
  const peak = rss.peak;
  await locker.query('COMMIT');
  await locker.end();
  await new Promise((r) => setTimeout(r, 2000));
  abort.abort();
  await running;
  return { stall_s: stallSeconds, stall_items_pulled: pulledDuring, stall_rss_at_lock_mb: mb(atLock), stall_peak_rss_mb: mb(peak) };
}

/** A statement's kind for the profile: verb and table (`INSERT tokens`, `COPY transactions`, `SAVEPOINT`, …). */
function statementKind(sql: string): string {
  const write = /\b(INSERT INTO|UPDATE|COPY|DELETE FROM|TRUNCATE)\s+(\w+)/i.exec(sql);
  if (write) return `${write[1]!.split(' ')[0]!.toUpperCase()} ${write[2]}`;
  const control = /^\s*(SAVEPOINT|RELEASE|ROLLBACK|CREATE TEMP)/i.exec(sql);
  if (control) return control[1]!.toUpperCase();
  const read = /\bFROM\s+(\w+)/i.exec(sql) ?? /^\s*SELECT\s+(\w+)/i.exec(sql);
  return `SELECT ${read?.[1] ?? '?'}`;
}

interface KindProfile { statements: number; ms: number }

/** `db` with every statement inside its transactions counted and timed by {@link statementKind}. */
function profiled(db: Db, kinds: Map<string, KindProfile>): Db {
  const timed = async <T>(kind: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await run();
    } finally {
      const k = kinds.get(kind) ?? { statements: 0, ms: 0 };
      k.statements++;
      k.ms += performance.now() - started;
      kinds.set(kind, k);
    }
  };
  const wrap = (tx: Queryable): Queryable => ({
    query: (sql, params) => timed(statementKind(sql), () => tx.query(sql, params)),
    exec: (sql) => timed(statementKind(sql), () => tx.exec(sql)),
    copy: (table, columns, rows) => timed(`COPY ${table}`, () => tx.copy(table, columns, rows)),
  });
  return Object.assign(Object.create(db) as Db, { transaction: <T>(fn: (tx: Queryable) => Promise<T>) => db.transaction((tx) => fn(wrap(tx))) });
}

/**
 * The write path alone: `args.tx` simulated transactions decoded up front into batches of 5,000 rows, then
 * committed one after another with every statement timed by kind. Printed per batch: statements and ms
 * per kind (averaged), BEGIN/COMMIT and Node-side time as the remainder.
 */
async function profileCommit(backend: Backend, args: Args): Promise<void> {
  const { db, cleanup } = await openBackend(backend, args.serverUrl);
  try {
    const batches: PipelineItem[][] = [[]];
    let filled = 0;
    const signal = new AbortController().signal;
    for await (const item of new SimulateSource({ ...SIM, seed: 'bench-profile', count: args.tx, bundleShare: 1 }).stream({ checkpoint: null, signal })) {
      const decoded = decodeItem(item);
      if (filled >= 5000) {
        batches.push([]);
        filled = 0;
      }
      batches.at(-1)!.push(decoded);
      filled += itemWeight(decoded);
    }
    const kinds = new Map<string, KindProfile>();
    const writer = new EventWriter(profiled(db, kinds));
    let trades = 0;
    const t0 = performance.now();
    for (const batch of batches) {
      const b = await commitBatch(writer, 'bench-profile', batch);
      trades += b.tradesInserted.pumpfun + b.tradesInserted.launchlab;
    }
    const ms = performance.now() - t0;
    const n = batches.length;
    const rows = [['kind', 'statements/batch', 'ms/batch'], ...[...kinds].sort((a, b) => b[1].ms - a[1].ms).map(([k, p]) => [k, (p.statements / n).toFixed(1), (p.ms / n).toFixed(1)])];
    const inStatements = [...kinds.values()].reduce((s, p) => s + p.ms, 0);
    rows.push(['(BEGIN/COMMIT, Node side)', '', ((ms - inStatements) / n).toFixed(1)], ['total', '', (ms / n).toFixed(1)]);
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    process.stdout.write(`${backend}: commitBatch alone, ${n} batches, ${trades.toLocaleString('en-US')} trades, ${Math.round(trades / (ms / 1000)).toLocaleString('en-US')} trades/s\n`);
    process.stdout.write(`${rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n')}\n`);
  } finally {
    await db.close();
    await cleanup();
  }
}

function table(results: BackendResult[]): string {
  const rows = [
    ['backend', 'trades/s', 'tx/s', 'CPU µs/trade', 'DB CPU µs/trade', 'load', 'p50 ms', 'p99 ms', 'peak RSS MB', 'stall (s)', 'pulled while stalled', 'RSS at lock → peak MB'],
    ...results.map((r) => [
      r.backend, r.trades_per_s.toLocaleString('en-US'), r.tx_per_s.toLocaleString('en-US'), String(r.cpu_us_per_trade), r.db_cpu_us_per_trade === null ? '–' : String(r.db_cpu_us_per_trade), r.load_1m.toFixed(2), String(r.p50_ms), String(r.p99_ms), String(r.peak_rss_mb),
      r.stall_s === null ? '–' : String(r.stall_s), r.stall_items_pulled === null ? '–' : String(r.stall_items_pulled), r.stall_peak_rss_mb === null ? '–' : `${r.stall_rss_at_lock_mb} → ${r.stall_peak_rss_mb}`,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padStart(widths[i]!)).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.profile) {
    for (const backend of args.backends) await profileCommit(backend, args);
    return;
  }
  if (args.child) {
    if (!args.defaultGc) tuneHeapForIngestion(); // as `megatron run` does
    process.stdout.write(`${JSON.stringify(await runBackend(args.child, args))}\n`);
    return;
  }
  const results: BackendResult[] = [];
  for (const backend of args.backends) {
    const childArgs = process.argv.slice(2).filter((a) => a !== '--json');
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, ...childArgs, '--child', backend], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`${backend} run failed (exit ${code})`))));
    });
    results.push(JSON.parse(out.trim().split('\n').at(-1)!) as BackendResult);
  }
  if (args.json) process.stdout.write(`${JSON.stringify({ backends: results })}\n`);
  else {
    process.stdout.write(`pipeline: simulate → decode → store, ${args.tx.toLocaleString('en-US')} tx at full speed; latency at 1,000 tx/s for ${args.latencySeconds} s\n`);
    process.stdout.write(`${table(results)}\n`);
  }
}

await main();

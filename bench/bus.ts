/**
 * The event stream beside the in-process pipeline, in one run, on one machine:
 * `npm run bench:bus [-- --tx N] [-- --latency-seconds S] [-- --json]`.
 *
 *   in-process   simulate → decode → store (what `megatron run` does)
 *   bus          a monitor child process (`megatron simulate --publish`: simulate → decode → JetStream)
 *                → this process's writer (durable consumers → batches → store)
 *
 * Phase 1, full speed: N simulated transactions (bundle-heavy) → trades/s from the first transaction to the
 * last trade committed. Phase 2, 1,000 tx/s for S seconds → arrival→commit latency p50/p99, where arrival is
 * when the source (in the monitor, for the bus) received the transaction. Both paths store into a fresh
 * PostgreSQL database each; the bus runs on a private nats-server (own port and store directory).
 *
 * The full-speed phase also reports CPU per stored trade by part — this process, the monitor child,
 * nats-server, PostgreSQL's backends — because on one 2-core machine every part competes for the same
 * cores: the bus path's trades/s is bounded by its total CPU per trade, which a deployment spreads over
 * machines.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../src/db/types.ts';
import { openBus, type Bus, type BusSettings } from '../src/bus/connection.ts';
import { BusSource } from '../src/bus/consumer.ts';
import { tuneHeapForIngestion } from '../src/core/heap.ts';
import { ThreadedSource } from '../src/pipeline/decode-thread.ts';
import type { AfterCommitHook } from '../src/pipeline/hooks.ts';
import { Pipeline } from '../src/pipeline/pipeline.ts';
import type { SimulateOptions } from '../src/sources/simulate/index.ts';
import { startNatsServer, type NatsServer } from '../test/helpers/nats.ts';
import { benchFlags } from './flags.ts';
import { openBackend, percentile } from './backends.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');

interface Args {
  json: boolean;
  tx: number;
  latencySeconds: number;
}

function parseArgs(argv: string[]): Args {
  const { positive, has } = benchFlags(argv);
  return { json: has('json'), tx: positive('tx', 30_000), latencySeconds: positive('latency-seconds', 10) };
}

interface Run {
  trades: number;
  seconds: number;
  latenciesMs: number[];
  /** CPU µs per stored trade by part (full-speed phase). */
  cpu: Record<string, number | null>;
}

/** Fields 14–17 of /proc/PID/stat: utime, stime, cutime, cstime in clock ticks (100/s). */
function procTicks(pid: number | 'self'): number[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, 15).map(Number);
  } catch {
    return null;
  }
}

/** CPU seconds of this process, of its exited children (the monitor), of nats-server and of the database's backends. */
async function cpuSeconds(db: Db, nats: NatsServer | null): Promise<Record<string, number | null>> {
  const self = process.cpuUsage();
  const ticks = procTicks('self');
  const natsTicks = nats?.pid ? procTicks(nats.pid) : null;
  const { rows } = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  let pgSeconds = 0;
  for (const { pid } of rows) {
    const t = procTicks(pid);
    if (t) pgSeconds += (t[0]! + t[1]!) / 100;
  }
  return {
    writer: (self.user + self.system) / 1e6,
    monitor: ticks ? (ticks[2]! + ticks[3]!) / 100 : null,
    nats: natsTicks ? (natsTicks[0]! + natsTicks[1]!) / 100 : null,
    postgres: pgSeconds,
  };
}

/** CPU µs per trade between two readings (the backends of one database: pids that left are not counted). */
function cpuPerTrade(before: Record<string, number | null>, after: Record<string, number | null>, trades: number): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const k of Object.keys(after)) out[k] = after[k] === null || before[k] === null ? null : Math.round(((after[k]! - before[k]!) * 1e6) / trades);
  return out;
}

/** A hook that records each committed trade count and arrival→commit latency, and resolves once `expected` trades are in. */
function meter(expected: number | null) {
  let trades = 0;
  const latenciesMs: number[] = [];
  let reached = (): void => {};
  const done = new Promise<void>((resolve) => (reached = resolve));
  const hook: AfterCommitHook = {
    name: 'bench_meter',
    run: async (b) => {
      trades += b.tradesInserted.pumpfun + b.tradesInserted.launchlab;
      for (const at of b.receivedAtMs) latenciesMs.push(b.committedAtMs - at);
      if (expected !== null && trades >= expected) reached();
    },
  };
  return { hook, done, get trades() { return trades; }, latenciesMs };
}

const SIM: SimulateOptions = { startTime: 1_750_000_000 };

async function inProcess(sim: SimulateOptions, batchWaitMs: number): Promise<Run> {
  const { db, cleanup } = await openBackend('server');
  try {
    const m = meter(null);
    const pipeline = new Pipeline({ source: new ThreadedSource({ kind: 'simulate', options: sim }), db, checkpointName: 'bench', maxBatchRows: 5000, maxBatchWaitMs: batchWaitMs, hooks: [m.hook], signal: new AbortController().signal });
    const cpu0 = await cpuSeconds(db, null);
    const t0 = performance.now();
    await pipeline.run();
    const seconds = (performance.now() - t0) / 1000;
    return { trades: m.trades, seconds, latenciesMs: m.latenciesMs, cpu: cpuPerTrade(cpu0, await cpuSeconds(db, null), m.trades) };
  } finally {
    await db.close();
    await cleanup();
  }
}

/** `megatron simulate --publish` as a child process with the bench's options; resolves when it exits 0. */
function monitor(sim: SimulateOptions, settings: BusSettings, batchWaitMs: number): Promise<void> {
  const flags = ['--seed', String(sim.seed), '--count', String(sim.count), '--start-time', String(sim.startTime)];
  if (sim.rate !== undefined) flags.push('--rate', String(sim.rate));
  if (sim.txPerSlot !== undefined) flags.push('--tx-per-slot', String(sim.txPerSlot));
  if (sim.bundleShare !== undefined) flags.push('--bundle-share', String(sim.bundleShare));
  const env = { ...process.env, LOG_LEVEL: 'warn', LOG_FORMAT: 'json', NATS_STREAM: settings.stream, NATS_PARTITIONS: String(settings.partitions), BATCH_MAX_WAIT_MS: String(batchWaitMs) };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/megatron.js'), 'simulate', ...flags, '--publish', settings.url, '--no-status'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`monitor exited ${code}`))));
  });
}

/** The bus path: the monitor publishes while this process's writer consumes, until `expectedTrades` are stored. */
async function viaBus(nats: NatsServer, bus: Bus, sim: SimulateOptions, expectedTrades: number, batchWaitMs: number): Promise<Run> {
  const { db, cleanup } = await openBackend('server');
  const abort = new AbortController();
  try {
    const m = meter(expectedTrades);
    const pipeline = new Pipeline({ source: new BusSource(bus, { index: 0, count: 1 }), db, maxBatchRows: 5000, maxBatchWaitMs: batchWaitMs, hooks: [m.hook], signal: abort.signal });
    const cpu0 = await cpuSeconds(db, nats);
    const t0 = performance.now();
    const writing = pipeline.run();
    await monitor(sim, bus.settings, Math.min(batchWaitMs, 10));
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`writer stored ${m.trades} of ${expectedTrades} trades in 120 s`)), 120_000).unref());
    await Promise.race([m.done, writing, timeout]);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuPerTrade(cpu0, await cpuSeconds(db, nats), m.trades);
    abort.abort();
    await writing;
    return { trades: m.trades, seconds, latenciesMs: m.latenciesMs, cpu };
  } finally {
    await db.close();
    await cleanup();
  }
}

/** A fresh nats-server per phase: the writer's consumers and the monitor's checkpoint start empty. */
async function freshBus(): Promise<{ nats: NatsServer; bus: Bus; close(): Promise<void> }> {
  const nats = await startNatsServer();
  const settings: BusSettings = { url: nats.url, stream: 'MEGATRON', partitions: 8, maxAgeSeconds: 3600, maxBytes: 0, dedupWindowSeconds: 120, replicas: 1, ackWaitSeconds: 60 };
  const bus = await openBus(settings, 'megatron-bench-bus', 'reader');
  return { nats, bus, close: () => bus.close().then(() => nats.close()) };
}

const stats = (r: Run) => {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  return { trades: r.trades, trades_per_s: Math.round(r.trades / r.seconds), p50_ms: Math.round(percentile(sorted, 50)), p99_ms: Math.round(percentile(sorted, 99)), cpu_us_per_trade: r.cpu };
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  tuneHeapForIngestion();
  const full: SimulateOptions = { ...SIM, seed: 'bench-bus-full', count: args.tx, bundleShare: 1 };
  const paced: SimulateOptions = { ...SIM, seed: 'bench-bus-latency', rate: 1000, txPerSlot: 400, count: Math.round(1000 * args.latencySeconds) };

  const direct = await inProcess(full, 200);
  let b = await freshBus();
  const viaStream = await viaBus(b.nats, b.bus, full, direct.trades, 200).finally(() => b.close());
  const directPaced = await inProcess(paced, 50);
  b = await freshBus();
  const streamPaced = await viaBus(b.nats, b.bus, paced, directPaced.trades, 50).finally(() => b.close());

  const rows = {
    in_process: { full: stats(direct), paced: stats(directPaced) },
    bus: { full: stats(viaStream), paced: stats(streamPaced) },
  };
  const ratio = rows.bus.full.trades_per_s / rows.in_process.full.trades_per_s;
  const addedP99 = rows.bus.paced.p99_ms - rows.in_process.paced.p99_ms;
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ ...rows, throughput_ratio: Math.round(ratio * 100) / 100, added_p99_ms: addedP99 })}\n`);
    return;
  }
  const us = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : String(v));
  const table = [
    ['path', 'trades', 'trades/s (full speed)', 'p50 ms @1,000 tx/s', 'p99 ms @1,000 tx/s', 'CPU µs/trade: writer', 'monitor', 'nats', 'postgres', 'total'],
    ...(['in_process', 'bus'] as const).map((k) => {
      const c = rows[k].full.cpu_us_per_trade;
      const total = Object.values(c).reduce<number>((sum, v) => sum + (v ?? 0), 0);
      return [k.replace('_', '-'), rows[k].full.trades.toLocaleString('en-US'), rows[k].full.trades_per_s.toLocaleString('en-US'), String(rows[k].paced.p50_ms), String(rows[k].paced.p99_ms), us(c.writer), k === 'bus' ? us(c.monitor) : '–', k === 'bus' ? us(c.nats) : '–', us(c.postgres), String(total)];
    }),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  process.stdout.write(`bus: simulate → publish → JetStream → consume → store (PostgreSQL), ${args.tx.toLocaleString('en-US')} tx at full speed; latency at 1,000 tx/s for ${args.latencySeconds} s\n`);
  process.stdout.write(`${table.map((r) => r.map((c, i) => c.padStart(widths[i]!)).join('  ')).join('\n')}\n`);
  process.stdout.write(`bus / in-process throughput: ${ratio.toFixed(2)} (target ≥ 0.70); added p99: ${addedP99} ms (target ≤ 100)\n`);
}

await main();

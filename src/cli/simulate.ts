import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { UsageError } from '../core/errors.ts';
import { DEFAULT_MARKET, simulatedTransactions, toRpcJson, txPerSlotForRate, type SimulateOptions } from '../sources/simulate/index.ts';
import { createPacer } from '../sources/simulate/source.ts';
import { PROGRAM_IDS } from '../pipeline/programs.ts';
import { addIndexerOptions, buildSource, runIndexer, type IndexerFlags } from './run.ts';
import { publishUrl } from './stream-roles.ts';

/** The flags of `megatron simulate` as commander hands them over (strings). */
export interface SimulateFlags {
  out?: string;
  count?: string;
  duration?: string;
  seed?: string;
  rate?: string;
  startSlot?: string;
  startTime?: string;
  txPerSlot?: string;
  slotsPerSecond?: string;
  bundleShare?: string;
  logs?: boolean;
}

/** Adds the simulator's options to a command (shared with commands that run the simulator as a source). */
export function addSimulateOptions(command: Command, defaults: { rate?: string; startTime?: string } = {}): Command {
  return command
    .option('--seed <s>', 'seed: same seed, same transactions', '1')
    .option('--count <n>', 'number of transactions (default: unlimited)')
    .option('--duration <s>', 'seconds of simulated chain time')
    .option('--rate <tx/s>', 'transactions per second of wall clock, or "unlimited"', defaults.rate ?? 'unlimited')
    .option('--start-slot <n>', 'first slot')
    .option('--start-time <t>', 'block time of the first slot: unix seconds, ISO date, or "now"', defaults.startTime)
    .option('--tx-per-slot <n>', 'mean transactions per slot')
    .option('--slots-per-second <n>', 'slots per second of chain time')
    .option('--bundle-share <p>', 'share of trade transactions that bundle 2-4 buys (0-1)')
    .option('--no-logs', 'leave logMessages null (decoders read the self-CPI events)');
}

const positiveInt = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer, got ${v}`);
  return n;
};
const positive = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got ${v}`);
  return n;
};

/**
 * Flags → simulator options. `now` is the only way wall-clock time enters the data (for a live demo);
 * everything else is reproducible from the flags.
 */
export function parseSimulateFlags(flags: SimulateFlags, nowMs = Date.now()): SimulateOptions {
  const options: SimulateOptions = {};
  if (flags.seed !== undefined) options.seed = /^\d+$/.test(flags.seed) && Number(flags.seed) <= 0xffffffff ? Number(flags.seed) : flags.seed;
  if (flags.count !== undefined) options.count = positiveInt('count', flags.count);
  if (flags.duration !== undefined) options.durationSeconds = positive('duration', flags.duration);
  if (flags.rate !== undefined && flags.rate !== 'unlimited') options.rate = positive('rate', flags.rate);
  if (flags.startSlot !== undefined) options.startSlot = positiveInt('start-slot', flags.startSlot);
  if (flags.txPerSlot !== undefined) options.txPerSlot = positiveInt('tx-per-slot', flags.txPerSlot);
  if (flags.slotsPerSecond !== undefined) options.slotsPerSecond = positive('slots-per-second', flags.slotsPerSecond);
  if (flags.bundleShare !== undefined) {
    const p = Number(flags.bundleShare);
    if (!(p >= 0 && p <= 1)) throw new UsageError(`--bundle-share must be between 0 and 1, got ${flags.bundleShare}`);
    options.bundleShare = p;
  }
  if (flags.logs === false) options.logs = false;
  // Paced without an explicit slot size, slots fill at the pace's rate: chain time keeps up with the wall
  // clock (a live demo's candles and "lag" stay real) instead of crawling at the default 400 tx per slot.
  if (options.rate !== undefined && options.txPerSlot === undefined) {
    options.txPerSlot = txPerSlotForRate(options.rate, options.slotsPerSecond ?? DEFAULT_MARKET.slotsPerSecond);
  }
  if (flags.startTime !== undefined) {
    const t = flags.startTime;
    const ms = t === 'now' ? nowMs : /^\d+$/.test(t) ? Number(t) * 1000 : Date.parse(t);
    if (!Number.isFinite(ms)) throw new UsageError(`--start-time must be unix seconds, an ISO date or "now", got ${t}`);
    options.startTime = Math.floor(ms / 1000);
  }
  return options;
}

/** JSON Lines of getTransaction results to a file (gzip when it ends in .gz) or stdout, with backpressure. */
async function writeJsonl(out: string, options: SimulateOptions): Promise<number> {
  const gzip = out.endsWith('.gz');
  const file: Writable = out === '-' ? process.stdout : createWriteStream(out);
  const sink: Writable = gzip ? createGzip() : file;
  if (gzip) sink.pipe(file);
  let written = 0;
  const write = async (line: string): Promise<void> => {
    if (!sink.write(line)) await once(sink, 'drain');
  };
  const abort = new AbortController();
  const pace = createPacer(options.rate, abort.signal);
  for (const sim of simulatedTransactions(options)) {
    const turn = pace();
    if (turn) await turn;
    await write(`${JSON.stringify(toRpcJson(sim.tx, sim.envelope))}\n`);
    written++;
  }
  if (out !== '-' || gzip) {
    sink.end();
    await finished(file);
  }
  return written;
}

/**
 * `megatron simulate`: simulated pump.fun and LaunchLab activity into the database through the pipeline;
 * with `--out FILE|-`, getTransaction results as JSONL instead.
 */
export function register(program: Command, config: Config): void {
  const cmd = addSimulateOptions(program.command('simulate'))
    .description('simulate pump.fun and LaunchLab activity into the database; with --out, write getTransaction JSON lines (gzip for *.gz)')
    .option('--out <file>', 'output file (.gz = gzip), or - for stdout, instead of the database');
  addIndexerOptions(cmd, { api: false }).action(async (flags: IndexerFlags) => {
      if (flags.out === undefined) {
        const built = buildSource('simulate', config, flags, Object.values(PROGRAM_IDS));
        await runIndexer(config, { built, checkpointName: flags.checkpointName, api: flags.api, jobs: flags.jobs, status: flags.status, publishUrl: publishUrl(flags.publish, config), command: 'simulate' });
        return;
      }
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0);
        throw err;
      });
      const written = await writeJsonl(flags.out, parseSimulateFlags(flags));
      if (flags.out !== '-') process.stderr.write(`megatron simulate: wrote ${written} transactions to ${flags.out}\n`);
    });
}

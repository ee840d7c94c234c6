import { InvalidArgumentError, Option, type Command } from 'commander';
import type { BusSettings } from '../bus/connection.ts';
import type { WriterSlot } from '../bus/consumer.ts';
import { refreshCandles } from '../analytics/candles/refresh.ts';
import { analyticsSchedulerJobs } from '../analytics/jobs.ts';
import { LiveAnalytics } from '../analytics/realtime/worker.ts';
import { startApiServer, type RunningApi } from '../api/start.ts';
import { openCache } from '../cache/open.ts';
import type { Config } from '../config.ts';
import { errorMessage, UsageError } from '../core/errors.ts';
import { tuneHeapForIngestion } from '../core/heap.ts';
import { log } from '../core/logger.ts';
import { redactUrl } from '../core/redact.ts';
import { openDb } from '../db/index.ts';
import type { Db } from '../db/types.ts';
import { createLiveFeed } from '../feed/live-feed.ts';
import type { DecodedSource } from '../pipeline/decode.ts';
import { ThreadedSource } from '../pipeline/decode-thread.ts';
import { enrichmentJob } from '../pipeline/enrich.ts';
import { cachePricesHook, liveAnalyticsHook, liveFeedHook, trackPoolsHook, type AfterCommitHook } from '../pipeline/hooks.ts';
import { Pipeline } from '../pipeline/pipeline.ts';
import { onlyProgram, PROGRAM_IDS } from '../pipeline/programs.ts';
import { startStatusLine, type PipelineStats } from '../pipeline/status.ts';
import { ReplaySource } from '../sources/replay/index.ts';
import { createRpcSource, withRpcGapBackfill } from '../sources/rpc/index.ts';
import { TrackedAddresses } from '../sources/tracked.ts';
import type { TransactionSource } from '../sources/types.ts';
import { trackedAmmPools } from '../db/amm.ts';
import { createYellowstoneSource } from '../sources/yellowstone/index.ts';
import { startScheduler, type Job } from '../jobs/scheduler.ts';
import { addSimulateOptions, parseSimulateFlags, type SimulateFlags } from './simulate.ts';
import { busSource, isNatsUrl, natsSourceUrl, parseWriterSlot, publishUrl, runPublisher } from './stream-roles.ts';

export const SOURCE_KINDS = ['simulate', 'replay', 'rpc', 'yellowstone'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** The flags every indexing command shares (commander hands them over as strings/booleans). */
export interface IndexerFlags extends SimulateFlags {
  source?: SourceKind;
  pace?: 'fast' | 'recorded';
  checkpointName?: string;
  api: boolean;
  jobs: boolean;
  status: boolean;
  /** `--publish [url]`: to the event stream instead of the database (true: NATS_URL). */
  publish?: string | boolean;
}

/** A fresh machine has no endpoints: the simulator. Yellowstone when configured, else RPC when both URLs are. */
export function defaultSourceKind(config: Config): SourceKind {
  if (config.yellowstoneUrl) return 'yellowstone';
  if (config.solanaRpcUrl && config.solanaWsUrl) return 'rpc';
  return 'simulate';
}

export interface BuiltSource {
  /** The simulator comes decoded from a worker thread ({@link ThreadedSource}); the others are decoded by the pipeline. */
  source: TransactionSource | DecodedSource;
  /** One line for the banner (URLs redacted). */
  description: string;
  /** Live sources: the AMM pools of tracked tokens they follow beside the programs (filled from the database on start). */
  tracked?: { addresses: TrackedAddresses; platforms: string[] };
  /** Releases what the source holds open (the event stream's connection) once the pipeline stopped. */
  close?: () => Promise<void>;
  /** The event stream the source reads: this process's API takes its live feed from it too. */
  feedBus?: BusSettings;
}

/**
 * The configured source for `programs` (program ids). RPC and Yellowstone subscribe to exactly those;
 * the simulator and replays are filtered when only one program is wanted.
 */
export function buildSource(kind: SourceKind, config: Config, flags: IndexerFlags, programs: string[], files: string[] = []): BuiltSource {
  const suffix = programs.length === 1 ? `:${Object.entries(PROGRAM_IDS).find(([, id]) => id === programs[0])?.[0] ?? programs[0]}` : '';
  const single = (s: TransactionSource, name: string): TransactionSource => (suffix ? onlyProgram(s, programs[0]!, name + suffix) : s);
  switch (kind) {
    case 'simulate': {
      const options = parseSimulateFlags(flags);
      const rate = options.rate === undefined ? 'full speed' : `${options.rate} tx/s`;
      const program = suffix ? { id: programs[0]!, name: `simulate${suffix}` } : undefined;
      return { source: new ThreadedSource({ kind: 'simulate', options, program }), description: `simulate (seed ${String(options.seed ?? 1)}, ${rate}${options.count ? `, ${options.count} tx` : ''})` };
    }
    case 'replay': {
      if (files.length === 0) throw new UsageError('the replay source needs files: megatron replay FILE…');
      const replay = new ReplaySource({ files, pace: flags.pace ?? 'fast' });
      return { source: single(replay, 'replay'), description: `replay of ${files.length} file(s), ${flags.pace ?? 'fast'} pace` };
    }
    case 'rpc': {
      if (!config.solanaRpcUrl || !config.solanaWsUrl) throw new UsageError('the rpc source needs SOLANA_RPC_URL and SOLANA_WS_URL');
      const tracked = trackedFor(config, programs);
      const source = createRpcSource({
        tracked: tracked?.addresses,
        name: `rpc${suffix}`,
        httpUrl: config.solanaRpcUrl,
        wsUrl: config.solanaWsUrl,
        programs,
        commitment: config.commitment,
        requestsPerSecond: config.rpcRequestsPerSecond,
        concurrency: config.rpcConcurrency,
        reconcileIntervalMs: config.rpcReconcileMs,
      });
      return { source, tracked, description: `rpc ${redactUrl(config.solanaRpcUrl)} + ${redactUrl(config.solanaWsUrl)} (${config.commitment})${ammNote(tracked)}` };
    }
    case 'yellowstone': {
      if (!config.yellowstoneUrl) throw new UsageError('the yellowstone source needs YELLOWSTONE_URL');
      const tracked = trackedFor(config, programs);
      const source = createYellowstoneSource({
        tracked: tracked?.addresses,
        name: `yellowstone${suffix}`,
        endpoint: config.yellowstoneUrl,
        token: config.yellowstoneToken,
        programs,
        commitment: config.commitment,
      });
      const description = `yellowstone ${redactUrl(config.yellowstoneUrl)} (${config.commitment})${ammNote(tracked)}`;
      if (!config.solanaRpcUrl) return { source, tracked, description: `${description}; gaps the server cannot replay are only reported (set SOLANA_RPC_URL to backfill them)` };
      // A hole the server cannot replay (no from_slot, replay window passed, skipped blocks) is filled over RPC.
      const filled = withRpcGapBackfill(source, {
        httpUrl: config.solanaRpcUrl,
        programs,
        tracked: tracked?.addresses,
        commitment: config.commitment,
        requestsPerSecond: config.rpcRequestsPerSecond,
        concurrency: config.rpcConcurrency,
      });
      return { source: filled, tracked, description: `${description}; gaps backfilled over RPC ${redactUrl(config.solanaRpcUrl)}` };
    }
  }
}

/** The launchpad platforms of `programs` (PumpSwap pools follow pump.fun, Raydium pools LaunchLab). */
function trackedFor(config: Config, programs: readonly string[]): BuiltSource['tracked'] {
  if (config.ammPoolsMax === 0) return undefined;
  const platforms = Object.entries(PROGRAM_IDS).filter(([, id]) => programs.includes(id)).map(([p]) => p);
  return platforms.length > 0 ? { addresses: new TrackedAddresses(config.ammPoolsMax), platforms } : undefined;
}

const ammNote = (t: BuiltSource['tracked']): string => (t ? `, plus the AMM pools of tracked tokens (up to ${t.addresses.max}, AMM_POOLS_MAX)` : '');

export interface IndexerOptions {
  built: BuiltSource;
  /** Checkpoint key; default the source's name. */
  checkpointName?: string;
  /** Serve the API and dashboard from this process (the embedded database allows one process). */
  api: boolean;
  /** Run the scheduled jobs (analytics, enrichment). */
  jobs: boolean;
  /** Print the status line every second. */
  status: boolean;
  command: string;
  /** Publish to the event stream at this URL instead of writing the database (a lean monitor: no API, no jobs). */
  publishUrl?: string | null;
}

/** SIGINT/SIGTERM abort `signal` (the batch in hand is committed first); a second one quits at once. */
function stopOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const abort = new AbortController();
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write('megatron: stopping after the batch in hand (press Ctrl-C again to quit now)\n');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: abort.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function banner(config: Config, db: Db, opts: IndexerOptions, api: RunningApi | null): string {
  const where = config.databaseUrl ? `PostgreSQL ${redactUrl(config.databaseUrl)}` : `embedded database in ${config.dataDir}`;
  const sql = config.databaseUrl ? `psql "${redactUrl(config.databaseUrl)}"` : 'megatron db status   (the embedded database opens in one process at a time: stop this one first)';
  return [
    `megatron ${opts.command}: ${opts.built.description} → ${where} (${db.flavour}, ${db.driver})`,
    `  pipeline: decode → batches of ≤ ${config.batchMaxRows} rows / ${config.batchMaxWaitMs} ms → one transaction per batch with its checkpoint`,
    api ? `  dashboard and API: ${api.url}   (e.g. ${api.url}/tokens, ${api.url}/openapi.json, live trades: ${api.url}/stream)` : '  API: not served by this process (megatron serve)',
    `  look at the data: ${sql}`,
    `    SELECT platform, type, count(*) FROM transactions GROUP BY 1, 2;`,
    `    SELECT signature, type, sol_amount, price_per_token FROM transactions ORDER BY slot DESC LIMIT 10;`,
    `    SELECT mint_address, symbol, is_complete FROM tokens ORDER BY created_at DESC LIMIT 10;`,
    `    SELECT source, kind, reason FROM quarantine ORDER BY id DESC LIMIT 10;`,
    `  a status line follows every second; Ctrl-C stops after committing the batch in hand (resumes from the checkpoint).`,
  ].join('\n');
}

/** Sources → pipeline → database, plus after-commit hooks, jobs and (optionally) the API, until the source ends or SIGINT/SIGTERM. */
export async function runIndexer(config: Config, opts: IndexerOptions): Promise<PipelineStats> {
  tuneHeapForIngestion();
  const stop = stopOnSignals();
  try {
    if (opts.publishUrl) return await runPublisher(config, { ...opts, url: opts.publishUrl, signal: stop.signal });
    return await indexIntoDatabase(config, opts, stop.signal);
  } finally {
    await opts.built.close?.();
    stop.dispose();
  }
}

async function indexIntoDatabase(config: Config, opts: IndexerOptions, signal: AbortSignal): Promise<PipelineStats> {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const cache = await openCache({ redisUrl: config.redisUrl });
  const feed = await createLiveFeed({ redisUrl: config.redisUrl, ...(opts.built.feedBus ? { bus: opts.built.feedBus } : {}) });
  let api: RunningApi | null = null;
  let stopJobs = (): Promise<void> => Promise.resolve();
  const live = opts.jobs ? new LiveAnalytics(db, cache) : null;
  let stopStatus = (): void => {};
  try {
    if (opts.api) {
      try {
        api = await startApiServer({ db, cache, feed, host: config.apiHost, port: config.apiPort });
      } catch (err) {
        log().warn({ err: errorMessage(err) }, `API not started (port ${config.apiPort} busy? set API_PORT); indexing continues`);
      }
    }
    process.stderr.write(`${banner(config, db, opts, api)}\n`);
    if (opts.jobs) {
      // Storage lifecycle, analytics and enrichment through the one scheduler (runs recorded in job_runs).
      const jobs: Job[] = analyticsSchedulerJobs(cache);
      const enrich = enrichmentJob(db, config);
      if (enrich) jobs.push(enrich);
      const scheduler = startScheduler(db, { extraJobs: jobs, lifecycle: config.lifecycle, tickMs: 5_000 });
      stopJobs = () => scheduler.stop();
    }
    const hooks: AfterCommitHook[] = [cachePricesHook(db, cache), liveFeedHook(feed)];
    if (live) hooks.push(liveAnalyticsHook(live));
    const tracked = opts.built.tracked;
    if (tracked) {
      // Before the source starts: it subscribes to these pools, and to each one a committed migration adds.
      tracked.addresses.add(await trackedAmmPools(db, tracked.platforms, tracked.addresses.max));
      hooks.push(trackPoolsHook(tracked.addresses));
    }
    const pipeline = new Pipeline({
      source: opts.built.source,
      db,
      checkpointName: opts.checkpointName,
      maxBatchRows: config.batchMaxRows,
      maxBatchWaitMs: config.batchMaxWaitMs,
      hooks,
      signal,
    });
    if (opts.status) stopStatus = startStatusLine(pipeline.checkpointName, pipeline.stats, (line, text) => log().info({ status: line }, text));
    const stats = await pipeline.run();
    log().info({ ...stats }, `megatron ${opts.command}: done`);
    if (opts.jobs) {
      // A clean stop leaves the analytics current: what is marked is recomputed, marked candle buckets rolled up.
      await live?.close();
      await refreshCandles(db);
    }
    return stats;
  } finally {
    stopStatus();
    await live?.close();
    await stopJobs();
    await api?.close();
    await feed.close();
    await cache.close();
    await db.close();
  }
}

/** Adds the flags shared by run / monitor / replay / simulate. */
export function addIndexerOptions(command: Command, defaults: { api: boolean }): Command {
  return command
    .option('--checkpoint-name <name>', 'checkpoint key (default: the source name)')
    .option('--no-status', 'no status line every second')
    .option('--no-jobs', 'do not run the analytics and enrichment jobs in this process')
    .addOption(new Option('--api', 'serve the API and dashboard').default(defaults.api))
    .option('--no-api', 'do not serve the API and dashboard')
    .option('--publish [url]', 'publish decoded events to the NATS JetStream stream (default NATS_URL) instead of writing the database: a lean monitor');
}

type RunFlags = Omit<IndexerFlags, 'source'> & { source?: string; writer: WriterSlot; file?: string[] };

/** A source kind, or `nats` / a nats:// URL (the event stream). */
function sourceKindOrNats(value: string): string {
  if ((SOURCE_KINDS as readonly string[]).includes(value) || value === 'nats' || isNatsUrl(value)) return value;
  throw new InvalidArgumentError(`expected one of ${SOURCE_KINDS.join(', ')}, nats or a nats:// URL`);
}

/** `megatron run`: the whole system — source(s) → pipeline → database, jobs, and the API. */
export function register(program: Command, config: Config): void {
  const cmd = program
    .command('run')
    .description('index launchpad trades: source → decode → batches → database (+ jobs, API); default source: simulate when no endpoint is configured')
    .option('--source <kind>', 'simulate | replay | rpc | yellowstone | nats[://host:port] (a writer of the event stream); default: from the configured endpoints', sourceKindOrNats)
    .addOption(new Option('--writer <i/n>', 'with --source nats: this writer\'s share of the stream\'s partitions').argParser(parseWriterSlot).default({ index: 0, count: 1 }, '0/1'))
    .option('--file <files...>', 'replay source: getTransaction JSON/JSONL files (.gz ok)')
    .addOption(new Option('--pace <pace>', 'replay pace').choices(['fast', 'recorded']).default('fast'));
  addIndexerOptions(addSimulateOptions(cmd, { rate: '300', startTime: 'now' }), { api: true }).action(async (flags: RunFlags) => {
    const fromStream = natsSourceUrl(flags.source, config);
    const publish = publishUrl(flags.publish, config);
    if (fromStream && publish) throw new UsageError('--source nats and --publish: a writer of the stream cannot publish to it');
    const kind = (flags.source as SourceKind | undefined) ?? defaultSourceKind(config);
    const built = fromStream ? await busSource(config, fromStream, flags.writer) : buildSource(kind, config, { ...flags, source: kind }, Object.values(PROGRAM_IDS), flags.file ?? []);
    await runIndexer(config, { built, checkpointName: flags.checkpointName, api: flags.api, jobs: flags.jobs, status: flags.status, command: 'run', publishUrl: publish });
  });
}



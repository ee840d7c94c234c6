import { InvalidArgumentError } from 'commander';
import { openBus, type BusSettings } from '../bus/connection.ts';
import { BusSource, type WriterSlot } from '../bus/consumer.ts';
import { BusSink } from '../bus/publisher.ts';
import type { Config } from '../config.ts';
import { errorMessage, UsageError } from '../core/errors.ts';
import { log } from '../core/logger.ts';
import { redactUrl } from '../core/redact.ts';
import { trackPoolsHook } from '../pipeline/hooks.ts';
import { Pipeline } from '../pipeline/pipeline.ts';
import { startStatusLine, type PipelineStats } from '../pipeline/status.ts';
import { startMetricsEndpoint } from '../ops/metrics-endpoint.ts';
import type { BuiltSource } from './run.ts';

/**
 * The event-stream roles of `megatron run` (docs/scaling.md): a lean monitor that publishes decoded
 * events (`--publish`), and a writer that reads them (`--source nats://…`).
 */

/** A NATS server URL (what `--source` and `--publish` take for the event stream). */
export const isNatsUrl = (value: string): boolean => /^(nats|tls):\/\//.test(value);

/** `--source nats` (NATS_URL) or `--source nats://host:4222`: the URL, else null (another source kind). */
export function natsSourceUrl(source: string | undefined, config: Config): string | null {
  if (source === undefined || (source !== 'nats' && !isNatsUrl(source))) return null;
  const url = source === 'nats' ? config.bus.url : source;
  if (!url) throw new UsageError('--source nats needs NATS_URL (or --source nats://host:4222)');
  return url;
}

/** `--publish` (true: NATS_URL) or `--publish nats://…`. */
export function publishUrl(flag: string | boolean | undefined, config: Config): string | null {
  if (flag === undefined || flag === false) return null;
  const url = flag === true ? config.bus.url : flag;
  if (!url) throw new UsageError('--publish needs NATS_URL (or --publish nats://host:4222)');
  if (!isNatsUrl(url)) throw new UsageError(`--publish ${JSON.stringify(url)}: expected a nats:// URL`);
  return url;
}

/** `--writer i/n`: this writer's share of the partitions. */
export function parseWriterSlot(value: string): WriterSlot {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index >= count) throw new InvalidArgumentError('expected i/n with 0 ≤ i < n, e.g. 0/2 and 1/2 for two writers');
  return { index, count };
}

const settingsFor = (config: Config, url: string): BusSettings => ({ ...config.bus, url });

/** The writer's source: its partitions of the stream; closes the connection after the pipeline. */
export async function busSource(config: Config, url: string, writer: WriterSlot): Promise<BuiltSource> {
  const settings = settingsFor(config, url);
  const bus = await openBus(settings, `megatron-writer-${writer.index}of${writer.count}`, 'reader');
  const source = new BusSource(bus, writer);
  const { stream, partitions } = bus.settings;
  return {
    source,
    description: `event stream ${stream} at ${redactUrl(url)}, writer ${writer.index}/${writer.count} (partitions ${source.partitions.join(', ')} of ${partitions})`,
    close: () => bus.close(),
    feedBus: settings,
  };
}

export interface PublisherOptions {
  built: BuiltSource;
  /** Serve /metrics and /health on API_HOST:API_PORT (the monitor serves no API). */
  api: boolean;
  url: string;
  checkpointName?: string;
  status: boolean;
  command: string;
  signal: AbortSignal;
}

/**
 * A monitor without a database: source → decode → the event stream. Its checkpoint lives in the stream's
 * key-value bucket and moves once the stream acknowledged a batch. It follows the AMM pools of the
 * graduations it publishes itself (a DB-less monitor cannot read the tracked pools of earlier runs).
 */
export async function runPublisher(config: Config, opts: PublisherOptions): Promise<PipelineStats> {
  const bus = await openBus(settingsFor(config, opts.url), `megatron-monitor-${opts.command}`, 'publisher');
  let stopStatus = (): void => {};
  let metrics: Awaited<ReturnType<typeof startMetricsEndpoint>> | null = null;
  try {
    if (opts.api) {
      metrics = await startMetricsEndpoint(config.apiHost, config.apiPort).catch((err: unknown) => {
        log().warn({ err: errorMessage(err) }, `metrics endpoint not started (port ${config.apiPort} busy? set API_PORT); publishing continues`);
        return null;
      });
    }
    const { tracked } = opts.built;
    const s = bus.settings;
    process.stderr.write(
      [
        `megatron ${opts.command}: ${opts.built.description} → event stream ${s.stream} at ${redactUrl(opts.url)} (${s.partitions} partitions, dedup window ${s.dedupWindowSeconds} s)`,
        metrics ? `  metrics: ${metrics.url}/metrics` : '  metrics: not served (--no-api)',
        `  publishes each batch, then moves its checkpoint (stream bucket ${s.stream}_checkpoints); writers: megatron run --source ${redactUrl(opts.url)} --writer i/n`,
        `  Ctrl-C stops after publishing the batch in hand.`,
      ].join('\n') + '\n',
    );
    const pipeline = new Pipeline({
      source: opts.built.source,
      sink: new BusSink(bus),
      checkpointName: opts.checkpointName,
      maxBatchRows: config.batchMaxRows,
      maxBatchWaitMs: config.batchMaxWaitMs,
      hooks: tracked ? [trackPoolsHook(tracked.addresses)] : [],
      signal: opts.signal,
    });
    if (opts.status) stopStatus = startStatusLine(pipeline.checkpointName, pipeline.stats, (line, text) => log().info({ status: line }, text));
    const stats = await pipeline.run();
    log().info({ ...stats }, `megatron ${opts.command}: done (published)`);
    return stats;
  } finally {
    stopStatus();
    await metrics?.close();
    await bus.close();
  }
}

import { z } from 'zod';
import { UsageError } from './core/errors.ts';
import type { BusSettings } from './bus/connection.ts';
import { redactUrl } from './core/redact.ts';

/**
 * Every setting Megatron reads from the environment, validated once. A value that fails to parse is an
 * error naming the variable — never a silent default. Flags override env per command where it makes sense.
 */
const intFromEnv = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `an integer between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `an integer between ${min} and ${max}`).max(max, `an integer between ${min} and ${max}`));

const urlWith = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const schema = z.object({
  DATABASE_URL: urlWith(['postgres:', 'postgresql:']).optional(),
  DATABASE_READ_URL: urlWith(['postgres:', 'postgresql:']).optional(),
  MEGATRON_DATA_DIR: z.string().min(1).default('./.megatron/pglite'),
  REDIS_URL: urlWith(['redis:', 'rediss:']).optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], { error: 'one of trace|debug|info|warn|error|fatal|silent' }).default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json'], { error: 'pretty or json' }).optional(),
  BATCH_MAX_ROWS: intFromEnv(1, 100_000).default(5000),
  BATCH_MAX_WAIT_MS: intFromEnv(1, 60_000).default(50),
  SOLANA_RPC_URL: urlWith(['http:', 'https:']).optional(),
  SOLANA_WS_URL: urlWith(['ws:', 'wss:']).optional(),
  YELLOWSTONE_URL: urlWith(['http:', 'https:']).optional(),
  YELLOWSTONE_TOKEN: z.string().optional(),
  COMMITMENT: z.enum(['processed', 'confirmed', 'finalized'], { error: 'one of processed|confirmed|finalized' }).default('confirmed'),
  RPC_REQUESTS_PER_SECOND: intFromEnv(1, 100_000).default(40),
  RPC_CONCURRENCY: intFromEnv(1, 1000).default(8),
  RPC_RECONCILE_MS: intFromEnv(0, 86_400_000).default(15_000),
  AMM_POOLS_MAX: intFromEnv(0, 100_000).default(200),
  ENRICH_INTERVAL_MS: intFromEnv(0, 86_400_000).default(10_000),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: intFromEnv(0, 65535).default(8080),
  // Data lifecycle (docs/operations.md); 0 = keep forever / never compress.
  TRADES_COMPRESS_AFTER_DAYS: intFromEnv(0, 36_500).default(7),
  TRADES_RETENTION_DAYS: intFromEnv(0, 36_500).default(90),
  CANDLES_1M_COMPRESS_AFTER_DAYS: intFromEnv(0, 36_500).default(1),
  CANDLES_1M_RETENTION_DAYS: intFromEnv(0, 36_500).default(7),
  CANDLES_5M_RETENTION_DAYS: intFromEnv(0, 36_500).default(90),
  CANDLES_1H_RETENTION_DAYS: intFromEnv(0, 36_500).default(730),
  CANDLES_1D_RETENTION_DAYS: intFromEnv(0, 36_500).default(0),
  SCORES_RETENTION_DAYS: intFromEnv(1, 36_500).default(30),
  HOLDER_SNAPSHOTS_RETENTION_DAYS: intFromEnv(1, 36_500).default(30),
  // The event stream (docs/scaling.md).
  NATS_URL: urlWith(['nats:', 'tls:']).optional(),
  NATS_STREAM: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ or -').default('MEGATRON'),
  NATS_PARTITIONS: intFromEnv(1, 1024).default(8),
  NATS_MAX_AGE_S: intFromEnv(0, 31_536_000).default(7 * 86_400),
  NATS_MAX_BYTES: intFromEnv(0, Number.MAX_SAFE_INTEGER).default(0),
  NATS_DEDUP_WINDOW_S: intFromEnv(1, 86_400).default(120),
  NATS_REPLICAS: intFromEnv(1, 5).default(1),
  NATS_ACK_WAIT_S: intFromEnv(1, 3_600).default(60),
});

export type Env = z.infer<typeof schema>;

export interface Config {
  databaseUrl: string | undefined;
  /** A streaming replica the API reads from (writes stay on DATABASE_URL); default DATABASE_URL. */
  databaseReadUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  logLevel: Env['LOG_LEVEL'];
  logFormat: 'pretty' | 'json';
  batchMaxRows: number;
  batchMaxWaitMs: number;
  solanaRpcUrl: string | undefined;
  solanaWsUrl: string | undefined;
  yellowstoneUrl: string | undefined;
  yellowstoneToken: string | undefined;
  /** Source commitment (Yellowstone subscription, RPC logsSubscribe/getTransaction). */
  commitment: Env['COMMITMENT'];
  rpcRequestsPerSecond: number;
  rpcConcurrency: number;
  /** How often the rpc source re-lists signatures to catch missed notifications; 0 disables. */
  rpcReconcileMs: number;
  /** Most AMM pools of tracked tokens the live sources follow (newest graduations first); 0 = none. */
  ammPoolsMax: number;
  /** How often `run` fills in tokens first seen through a trade (needs SOLANA_RPC_URL); 0 disables. */
  enrichIntervalMs: number;
  apiHost: string;
  apiPort: number;
  /** The JetStream event stream: `url` undefined until NATS_URL or a `nats://` flag names one. */
  bus: Omit<BusSettings, 'url'> & { url: string | undefined };
  /** Retention and compression ages in days (0 = keep forever / never compress); see src/jobs/lifecycle.ts. */
  lifecycle: {
    tradesCompressAfterDays: number;
    tradesRetentionDays: number;
    candles1mCompressAfterDays: number;
    candles1mRetentionDays: number;
    candles5mRetentionDays: number;
    candles1hRetentionDays: number;
    candles1dRetentionDays: number;
    scoresRetentionDays: number;
    holderSnapshotsRetentionDays: number;
  };
}

/** Parses the environment (empty strings count as unset). Throws {@link UsageError} naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(
    Object.keys(schema.shape).flatMap((k) => (env[k] !== undefined && env[k] !== '' ? [[k, env[k]]] : [])),
  );
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const raw = env[name] ?? '';
    const shown = /URL$/.test(name) ? redactUrl(raw) : name.includes('TOKEN') ? '***' : raw;
    throw new UsageError(`${name}=${JSON.stringify(shown)} is invalid: expected ${issue.message}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    databaseReadUrl: e.DATABASE_READ_URL,
    dataDir: e.MEGATRON_DATA_DIR,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (process.stderr.isTTY ? 'pretty' : 'json'),
    batchMaxRows: e.BATCH_MAX_ROWS,
    batchMaxWaitMs: e.BATCH_MAX_WAIT_MS,
    solanaRpcUrl: e.SOLANA_RPC_URL,
    solanaWsUrl: e.SOLANA_WS_URL,
    yellowstoneUrl: e.YELLOWSTONE_URL,
    yellowstoneToken: e.YELLOWSTONE_TOKEN,
    commitment: e.COMMITMENT,
    rpcRequestsPerSecond: e.RPC_REQUESTS_PER_SECOND,
    rpcConcurrency: e.RPC_CONCURRENCY,
    rpcReconcileMs: e.RPC_RECONCILE_MS,
    ammPoolsMax: e.AMM_POOLS_MAX,
    enrichIntervalMs: e.ENRICH_INTERVAL_MS,
    apiHost: e.API_HOST,
    apiPort: e.API_PORT,
    bus: {
      url: e.NATS_URL,
      stream: e.NATS_STREAM,
      partitions: e.NATS_PARTITIONS,
      maxAgeSeconds: e.NATS_MAX_AGE_S,
      maxBytes: e.NATS_MAX_BYTES,
      dedupWindowSeconds: e.NATS_DEDUP_WINDOW_S,
      replicas: e.NATS_REPLICAS,
      ackWaitSeconds: e.NATS_ACK_WAIT_S,
    },
    lifecycle: {
      tradesCompressAfterDays: e.TRADES_COMPRESS_AFTER_DAYS,
      tradesRetentionDays: e.TRADES_RETENTION_DAYS,
      candles1mCompressAfterDays: e.CANDLES_1M_COMPRESS_AFTER_DAYS,
      candles1mRetentionDays: e.CANDLES_1M_RETENTION_DAYS,
      candles5mRetentionDays: e.CANDLES_5M_RETENTION_DAYS,
      candles1hRetentionDays: e.CANDLES_1H_RETENTION_DAYS,
      candles1dRetentionDays: e.CANDLES_1D_RETENTION_DAYS,
      scoresRetentionDays: e.SCORES_RETENTION_DAYS,
      holderSnapshotsRetentionDays: e.HOLDER_SNAPSHOTS_RETENTION_DAYS,
    },
  };
}

import { DiscardPolicy, jetstream, jetstreamManager, JetStreamApiError, JetStreamApiCodes, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { UsageError } from '../core/errors.ts';
import { log } from '../core/logger.ts';
import { redactUrl } from '../core/redact.ts';
import type { Checkpoint } from '../sources/types.ts';
import { SUBJECT_ROOT } from './subjects.ts';

/** The stream's settings (NATS_* variables, docs/scaling.md). */
export interface BusSettings {
  url: string;
  stream: string;
  /** Partitions of the subject space (fixed when the stream is created). */
  partitions: number;
  /** Oldest message kept (s); must exceed the longest writer outage you plan for. 0 = no age limit. */
  maxAgeSeconds: number;
  /** Most bytes kept; 0 = no limit. Full means new publishes are refused (monitors wait), never old events dropped. */
  maxBytes: number;
  /** How long the stream remembers a message id to drop the second copy (s). */
  dedupWindowSeconds: number;
  replicas: number;
  /** How long a writer may hold a message before the server redelivers it (s). */
  ackWaitSeconds: number;
}

/** An open connection: JetStream client and manager, the checkpoint bucket, the settings in force. */
export interface Bus {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  settings: BusSettings;
  checkpoints: BusCheckpoints;
  close(): Promise<void>;
}

const DESCRIPTION = (partitions: number) => `Megatron decoded launchpad events; partitions=${partitions}`;
const partitionsOf = (description: string | undefined): number | null => {
  const m = /partitions=(\d+)/.exec(description ?? '');
  return m ? Number(m[1]) : null;
};

function streamConfig(s: BusSettings): Partial<StreamConfig> & { name: string } {
  // The dedup window cannot exceed the age limit.
  const dedup = s.maxAgeSeconds > 0 ? Math.min(s.dedupWindowSeconds, s.maxAgeSeconds) : s.dedupWindowSeconds;
  return {
    name: s.stream,
    description: DESCRIPTION(s.partitions),
    subjects: [`${SUBJECT_ROOT}.>`],
    retention: RetentionPolicy.Limits,
    // Full → refuse new messages: a monitor holds its checkpoint and retries; old events a writer has not
    // read yet are never discarded to make room.
    discard: DiscardPolicy.New,
    storage: StorageType.File,
    max_age: nanos(s.maxAgeSeconds * 1000),
    max_bytes: s.maxBytes > 0 ? s.maxBytes : -1,
    duplicate_window: nanos(dedup * 1000),
    num_replicas: s.replicas,
  };
}

const isApiError = (err: unknown, code: number): boolean => err instanceof JetStreamApiError && err.code === code;

/** Who opens the stream: monitors own its limits; writers and API nodes only read it. */
export type BusRole = 'publisher' | 'reader';

/**
 * Creates the stream, or — for a publisher — brings an existing one's limits to the configured ones (a
 * reader never changes them: an API node with default settings must not undo the monitors'). Its
 * partition count is fixed at creation (it decides which writer owns a token): a different
 * NATS_PARTITIONS is an error for everyone.
 */
export async function ensureStream(jsm: JetStreamManager, s: BusSettings, role: BusRole): Promise<void> {
  const wanted = streamConfig(s);
  try {
    const info = await jsm.streams.info(s.stream);
    const existing = partitionsOf(info.config.description);
    if (existing !== null && existing !== s.partitions) {
      throw new UsageError(`stream ${s.stream} has ${existing} partitions; set NATS_PARTITIONS=${existing} (or use a new NATS_STREAM)`);
    }
    const c = info.config;
    if (role === 'publisher' && (c.max_age !== wanted.max_age || c.max_bytes !== wanted.max_bytes || c.duplicate_window !== wanted.duplicate_window || c.num_replicas !== wanted.num_replicas)) {
      await jsm.streams.update(s.stream, { ...c, ...wanted });
      log().info({ stream: s.stream, maxAgeSeconds: s.maxAgeSeconds, maxBytes: s.maxBytes, dedupWindowSeconds: s.dedupWindowSeconds }, 'event stream: limits updated');
    }
  } catch (err) {
    if (!isApiError(err, JetStreamApiCodes.StreamNotFound)) throw err;
    await jsm.streams.add(wanted);
    log().info({ stream: s.stream, partitions: s.partitions }, 'event stream created');
  }
}

/**
 * Source checkpoints of monitors that publish to the stream, in a JetStream key-value bucket (a monitor
 * needs no database). Forward-only, like the database's: a compare-and-set on the key's revision.
 */
export class BusCheckpoints {
  constructor(private readonly kv: KV) {}

  private static key(name: string): string {
    return name.replace(/[^-/_=.a-zA-Z0-9]/g, '_');
  }

  async read(name: string): Promise<Checkpoint | null> {
    const entry = await this.kv.get(BusCheckpoints.key(name));
    if (!entry || entry.operation !== 'PUT' || entry.length === 0) return null;
    return entry.json<Checkpoint>();
  }

  /** Moves `name` to `next` unless it is already at a later slot; returns what was written, or null. */
  async advance(name: string, next: Checkpoint): Promise<Checkpoint | null> {
    const key = BusCheckpoints.key(name);
    const value = JSON.stringify(next);
    for (;;) {
      const entry = await this.kv.get(key);
      try {
        if (!entry || entry.operation !== 'PUT') await this.kv.create(key, value);
        else if (entry.json<Checkpoint>().slot > next.slot) return null;
        else await this.kv.update(key, value, entry.revision);
        return next;
      } catch (err) {
        // Another monitor of the same name moved it meanwhile: read again.
        if (!isApiError(err, JetStreamApiCodes.StreamWrongLastSequence)) throw err;
      }
    }
  }
}

/** Connects (reconnecting for as long as it takes), makes sure the stream and the checkpoint bucket exist. */
export async function openBus(settings: BusSettings, name: string, role: BusRole): Promise<Bus> {
  let nc: NatsConnection;
  try {
    // noAsyncTraces: the client would otherwise build two Error objects (stack traces) per publish and
    // per ack — a quarter of a monitor's CPU at full speed.
    nc = await connect({ servers: settings.url, name, maxReconnectAttempts: -1, reconnectTimeWait: 250, timeout: 5_000, noAsyncTraces: true });
  } catch (err) {
    throw new UsageError(`NATS at ${redactUrl(settings.url)} is unreachable: ${(err as Error).message} (start one: nats-server -js)`);
  }
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') log().warn({ server: redactUrl(settings.url) }, 'NATS disconnected; reconnecting');
      else if (s.type === 'reconnect') log().info({ server: redactUrl(settings.url) }, 'NATS reconnected');
    }
  })();
  const jsm = await jetstreamManager(nc);
  await ensureStream(jsm, settings, role);
  const kv = await new Kvm(nc).create(`${settings.stream}_checkpoints`, { history: 1, replicas: settings.replicas });
  return {
    nc,
    js: jetstream(nc),
    jsm,
    settings,
    checkpoints: new BusCheckpoints(kv),
    close: () => nc.drain().catch(() => nc.close()),
  };
}

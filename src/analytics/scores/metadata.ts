import { cacheKeys, TTL } from '../../cache/keys.ts';
import type { Cache } from '../../cache/store.ts';
import { readThrough } from '../../cache/tokens.ts';
import type { MetadataFacts, MetadataStatus } from './formula.ts';

export interface MetadataFetchOptions {
  cache: Cache;
  /** Whole-request time limit (default 3 s, docs/scoring.md). */
  timeoutMs?: number;
  /** Body size limit (default 64 KiB). */
  maxBytes?: number;
}

const LONGEST_FIELD = 2000;

const empty = (status: MetadataStatus): MetadataFacts => ({ status, description: null, image: null, website: null, twitter: null, telegram: null });

/** The facts of a uri that needs no fetch (none, or not http(s)), else the trimmed uri to fetch. */
function classify(uri: string): MetadataFacts | string {
  const trimmed = uri.trim();
  if (trimmed === '') return empty('no_uri');
  if (!/^https?:\/\//i.test(trimmed)) return empty('not_fetchable');
  return trimmed;
}

/**
 * The facts the social score reads from a token's metadata JSON. Only http(s) uris are fetched, within
 * a time and size limit; every failure is a status, never a throw — the score must not depend on the
 * network being there. Results are cached (`meta:uri:{uri}`), failures for a shorter time.
 */
export async function fetchMetadataFacts(uri: string, opts: MetadataFetchOptions): Promise<MetadataFacts> {
  const target = classify(uri);
  if (typeof target !== 'string') return target;
  const facts = await readThrough<MetadataFacts>(
    opts.cache,
    'metadata',
    cacheKeys.metadata(target),
    (f) => (f.status === 'ok' ? TTL.metadata : TTL.metadataFailure),
    () => download(target, opts.timeoutMs ?? 3000, opts.maxBytes ?? 64 * 1024),
  );
  return facts ?? empty('unavailable');
}

/**
 * The facts known WITHOUT the network: a uri that needs no fetch, or a cached fetch; null when only a
 * fetch can tell (real-time scoring then scores with `unavailable` and fetches in the background).
 */
export async function knownMetadataFacts(uri: string, cache: Cache): Promise<MetadataFacts | null> {
  const target = classify(uri);
  if (typeof target !== 'string') return target;
  const cached = await cache.get(cacheKeys.metadata(target)).catch(() => null);
  return cached === null ? null : (JSON.parse(cached) as MetadataFacts);
}

/**
 * {@link knownMetadataFacts} of many tokens at once (the cache reads go out together: one pipelined round
 * trip on Redis instead of one per token), by mint; null where only a fetch can tell.
 */
export async function knownMetadataOf(tokens: readonly { mint: string; uri: string }[], cache: Cache): Promise<Map<string, MetadataFacts | null>> {
  const facts = await Promise.all(tokens.map((t) => knownMetadataFacts(t.uri, cache)));
  return new Map(tokens.map((t, i) => [t.mint, facts[i]!]));
}

/** What the score reads while a fetch is still pending. */
export const METADATA_PENDING: MetadataFacts = empty('unavailable');

async function download(uri: string, timeoutMs: number, maxBytes: number): Promise<MetadataFacts> {
  let text: string;
  try {
    const res = await fetch(uri, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    if (!res.ok || !res.body) return empty('unavailable');
    text = await readLimited(res.body, maxBytes);
  } catch {
    return empty('unavailable'); // offline, DNS, refused, timeout, too large
  }
  try {
    return extractFacts(JSON.parse(text));
  } catch {
    return empty('invalid');
  }
}

async function readLimited(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<string> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    size += r.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error('metadata too large');
    }
    chunks.push(r.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads the fields pump.fun / LaunchLab metadata carry, top level or under `extensions`. */
export function extractFacts(json: unknown): MetadataFacts {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return empty('invalid');
  const top = json as Record<string, unknown>;
  const ext = typeof top.extensions === 'object' && top.extensions !== null ? (top.extensions as Record<string, unknown>) : {};
  const field = (name: string): string | null => {
    const v = top[name] ?? ext[name];
    return typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, LONGEST_FIELD) : null;
  };
  return {
    status: 'ok',
    description: field('description'),
    image: field('image'),
    website: field('website'),
    twitter: field('twitter'),
    telegram: field('telegram'),
  };
}

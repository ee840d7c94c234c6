import type { LaunchpadEvent, LaunchpadEventType } from './events.ts';

/**
 * The public JSON form of an event — the `megatron decode` line, the event bus's message body: snake_case
 * keys, location first, integers as decimal strings (exact u64), nulls kept. {@link eventFromJson} reads it
 * back into the typed event.
 */

/** Location fields first, in this order; the event's own fields follow in declaration order. */
const LEADING = ['type', 'program', 'signature', 'slot', 'blockTime', 'ixIndex', 'innerIxIndex'] as const;

/** The u64 fields of each event type (decimal strings in JSON, bigint in TypeScript). */
type BigintKeys<E> = { [K in keyof E]-?: E[K] extends bigint | null ? (bigint extends E[K] ? K : never) : never }[keyof E];
const BIGINT_FIELDS: { [T in LaunchpadEventType]: readonly BigintKeys<Extract<LaunchpadEvent, { type: T }>>[] } = {
  token_created: ['totalSupply', 'virtualTokenReserves', 'virtualSolReserves', 'realTokenReserves'],
  pool_created: ['supply', 'totalBaseSell', 'totalQuoteFundRaising', 'vestingTotalLocked'],
  trade: ['solAmount', 'tokenAmount', 'fee', 'protocolFee', 'creatorFee', 'platformFee', 'virtualSolReserves', 'virtualTokenReserves', 'realSolReserves', 'realTokenReserves'],
  curve_completed: [],
  migrated: ['baseAmount', 'quoteAmount'],
  amm_pool_created: ['baseAmount', 'quoteAmount'],
  liquidity: ['baseAmount', 'quoteAmount', 'lpAmount', 'baseReserves', 'quoteReserves'],
};

/** Key spellings, converted once per key: the event bus converts every field of every message. */
const memo = (convert: (key: string) => string) => {
  const seen = new Map<string, string>();
  return (key: string): string => {
    let out = seen.get(key);
    if (out === undefined) seen.set(key, (out = convert(key)));
    return out;
  };
};
const snake = memo((key) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
const camel = memo((key) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
const LEADING_SET: ReadonlySet<string> = new Set(LEADING);
const BIGINT_SETS = new Map<string, ReadonlySet<string>>(Object.entries(BIGINT_FIELDS).map(([type, keys]) => [type, new Set<string>(keys)]));
const INTEGER = /^-?\d+$/;

/** One event as the public JSON object. */
export function eventToJson(event: LaunchpadEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const record = event as unknown as Record<string, unknown>;
  const put = (key: string) => {
    const v = record[key];
    out[snake(key)] = typeof v === 'bigint' ? v.toString() : v;
  };
  for (const key of LEADING) put(key);
  for (const key of Object.keys(record)) if (!LEADING_SET.has(key)) put(key);
  return out;
}

export class EventJsonError extends Error {
  override name = 'EventJsonError';
}

/**
 * The typed event of a JSON object written by {@link eventToJson}. Throws {@link EventJsonError} for an
 * unknown type, a missing location or a u64 field that is not a decimal integer string.
 */
export function eventFromJson(json: Record<string, unknown>): LaunchpadEvent {
  const type = json.type as LaunchpadEventType;
  const bigints = BIGINT_SETS.get(type);
  if (bigints === undefined) throw new EventJsonError(`unknown event type ${JSON.stringify(json.type)}`);
  if (typeof json.signature !== 'string' || typeof json.slot !== 'number' || typeof json.mint !== 'string') {
    throw new EventJsonError(`${type} event without signature, slot or mint`);
  }
  const out: Record<string, unknown> = {};
  for (const k in json) {
    const v = json[k];
    const key = camel(k);
    if (v === null || !bigints.has(key)) out[key] = v;
    else if (typeof v === 'string' && INTEGER.test(v)) out[key] = BigInt(v);
    else throw new EventJsonError(`${type}.${k} is not an integer string: ${JSON.stringify(v)}`);
  }
  return out as unknown as LaunchpadEvent;
}

/**
 * normalize + decode throughput on one core, per input format, over the shared fixture mix, plus decode alone on
 * ready RawTx. `npm run bench:decode [-- --json] [-- --seconds N] [-- --format base64|json|jsonParsed]` (--format
 * measures that one format and skips decode-only: for profiling). base64 inputs are the fixtures' own base64
 * entries plus the json ones re-serialized to wire bytes (bench/wire.ts). Rates are per CPU-second of the process
 * (stable when other processes share the cores) and per wall-clock second; "every key new" clears the base58
 * key memo before each transaction.
 */
import { clearKeyMemo } from '../src/core/base58.ts';
import type { RawTx } from '../src/core/rawtx.ts';
import { DECODER_READ_CONTEXT as READ, decodeTransaction } from '../src/decoders/index.ts';
import { normalizeRpcTransaction } from '../src/sources/formats/index.ts';
import { isObj } from '../src/sources/formats/shape.ts';
import { fixturesMissing, loadFullTransactions } from '../test/unit/formats/fixtures.ts';
import type { Venue } from '../src/core/events.ts';
import { simulatedTransactions, toRpcJson } from '../src/sources/simulate/index.ts';
import { jsonResultToBase64 } from './wire.ts';

type Format = 'base64' | 'json' | 'jsonParsed';


function unwrap(value: unknown): Record<string, unknown> | null {
  let v = value;
  for (let i = 0; i < 3 && isObj(v) && !('meta' in v); i++) v = isObj(v) ? (v.result ?? v.transaction) : v;
  return isObj(v) && 'meta' in v && !('isVote' in v) ? v : null;
}

function formatOf(result: Record<string, unknown>): Format {
  if (Array.isArray(result.transaction)) return 'base64';
  const keys = (result.transaction as { message: { accountKeys: unknown[] } }).message.accountKeys;
  return typeof keys[0] === 'string' ? 'json' : 'jsonParsed';
}

function corpus(): Record<Format, unknown[]> {
  const sets: Record<Format, unknown[]> = { base64: [], json: [], jsonParsed: [] };
  for (const f of loadFullTransactions()) {
    const result = unwrap(f.value);
    if (!result) continue; // Yellowstone dumps are not an RPC format
    const withSlot = { slot: 0, ...result };
    const format = formatOf(withSlot);
    sets[format].push(withSlot);
    if (format === 'json') {
      const wire = jsonResultToBase64(withSlot);
      if (wire) sets.base64.push(wire);
    }
  }
  return sets;
}

interface Rate {
  /** Transactions per CPU-second of this process (all its threads, GC helpers included): one core's throughput. */
  txPerS: number;
  /** Transactions per wall-clock second: lower than txPerS when other processes compete for the cores. */
  wallTxPerS: number;
}

/** Runs `step` over the inputs round-robin for `seconds` of wall-clock time, after a JIT warm-up. */
function measure<T>(inputs: T[], seconds: number, step: (input: T) => void): Rate {
  for (let i = 0; i < 2000; i++) step(inputs[i % inputs.length]!);
  let count = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    for (const input of inputs) step(input);
    count += inputs.length;
  }
  const cpu = process.cpuUsage(cpuStart);
  const wallS = (performance.now() - start) / 1000;
  return { txPerS: Math.round(count / ((cpu.user + cpu.system) / 1e6)), wallTxPerS: Math.round(count / wallS) };
}

/** The venue of a transaction's trades (the first one), or null when it has none. */
function venueOf(result: Record<string, unknown>): Venue | null {
  const trade = decodeTransaction(normalizeRpcTransaction(result, READ)).events.find((e) => e.type === 'trade');
  return trade?.type === 'trade' ? trade.venue : null;
}

/**
 * base64 inputs by the venue of their trades: the fixtures' own (a real CPMM swap, the curve trades) and the
 * simulator's traffic rendered to wire bytes (every venue it trades on, PumpSwap after graduation included).
 */
function byVenue(base64: unknown[]): Map<Venue, unknown[]> {
  const out = new Map<Venue, unknown[]>();
  const add = (input: unknown) => {
    const venue = venueOf(input as Record<string, unknown>);
    if (venue !== null) out.set(venue, [...(out.get(venue) ?? []), input]);
  };
  for (const input of base64) add(input);
  for (const sim of simulatedTransactions({ seed: 'bench-decode', count: 20_000 })) {
    if (!sim.events.some((e) => e.type === 'trade')) continue;
    const wire = jsonResultToBase64(toRpcJson(sim.tx, sim.envelope) as unknown as Record<string, unknown>);
    if (wire) add(wire);
  }
  // At most 2,000 of a venue: the rate is per transaction, the simulator's curve traffic is plentiful.
  for (const [venue, inputs] of out) out.set(venue, inputs.slice(0, 2_000));
  return out;
}

function main(): void {
  if (fixturesMissing) {
    console.error(`bench:decode skipped: ${fixturesMissing}`);
    return;
  }
  const json = process.argv.includes('--json');
  const secondsArg = process.argv.indexOf('--seconds');
  const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 3;
  const formatArg = process.argv.indexOf('--format');
  const only = formatArg > 0 ? process.argv[formatArg + 1] : undefined;
  const sets = corpus();
  if (only !== undefined && !(only in sets)) {
    console.error(`--format must be one of ${Object.keys(sets).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const formats = (Object.keys(sets) as Format[]).filter((f) => only === undefined || f === only).map((format) => ({
    format,
    inputs: sets[format].length,
    ...measure(sets[format], seconds, (input) => decodeTransaction(normalizeRpcTransaction(input, READ))),
    // The fixture mix repeats, so every key is memoized after the first round; this is the other extreme.
    coldKeys: measure(sets[format], seconds, (input) => {
      clearKeyMemo();
      decodeTransaction(normalizeRpcTransaction(input, READ));
    }),
  }));
  // What a source that already holds RawTx (the simulator) pays: plain copies, every instruction's bytes in hand.
  const rawTxs: RawTx[] = only !== undefined ? [] : Object.values(sets).flatMap((inputs) => inputs.map((input) => structuredClone(normalizeRpcTransaction(input))));
  const decodeOnly = only !== undefined ? null : { inputs: rawTxs.length, ...measure(rawTxs, seconds, (tx) => decodeTransaction(tx)) };
  const venues = only !== undefined ? [] : [...byVenue(sets.base64)].map(([venue, inputs]) => ({
    venue,
    inputs: inputs.length,
    ...measure(inputs, seconds, (input) => decodeTransaction(normalizeRpcTransaction(input, READ))),
  }));
  if (json) {
    const row = (r: Rate & { inputs: number }) => ({ tx_per_s: r.txPerS, wall_tx_per_s: r.wallTxPerS, inputs: r.inputs });
    console.log(
      JSON.stringify({
        formats: formats.map((f) => ({ format: f.format, ...row(f), cold_keys_tx_per_s: f.coldKeys.txPerS })),
        ...(decodeOnly && { decode_only: row(decodeOnly) }),
        venues: venues.map((v) => ({ venue: v.venue, ...row(v) })),
      }),
    );
    return;
  }
  console.log('input (normalize + decode)   inputs   tx/s per CPU-second   every key new   tx/s wall-clock');
  const line = (name: string, r: Rate & { inputs: number }, cold: Rate | null) =>
    console.log(
      `${name.padEnd(26)} ${String(r.inputs).padStart(7)}   ${r.txPerS.toLocaleString('en-US').padStart(19)}   ${(cold?.txPerS.toLocaleString('en-US') ?? '-').padStart(13)}   ${r.wallTxPerS.toLocaleString('en-US').padStart(15)}`,
    );
  for (const f of formats) line(f.format, f, f.coldKeys);
  if (decodeOnly) line('RawTx (decode only)', decodeOnly, null);
  if (venues.length === 0) return;
  console.log('\nbase64 by venue of the trades (fixtures + simulated traffic on the wire)');
  for (const v of venues) line(`  ${v.venue}`, v, null);
}

main();

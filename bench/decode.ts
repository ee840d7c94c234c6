/**
 * normalize + decode throughput on one core, per input format, over the shared fixture mix.
 * `npm run bench:decode [-- --json] [-- --seconds N]`. base64 inputs are the fixtures' own base64 entries plus
 * the json ones re-serialized to wire bytes (bench/wire.ts).
 */
import { decodeTransaction } from '../src/decoders/index.ts';
import { normalizeRpcTransaction } from '../src/sources/formats/index.ts';
import { isObj } from '../src/sources/formats/shape.ts';
import { fixturesMissing, loadFullTransactions } from '../test/unit/formats/fixtures.ts';
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

function run(inputs: unknown[], seconds: number): { txPerS: number; events: number } {
  let count = 0;
  let events = 0;
  const deadline = performance.now() + seconds * 1000;
  // warm-up so the JIT has settled before timing
  for (let i = 0; i < 2000; i++) decodeTransaction(normalizeRpcTransaction(inputs[i % inputs.length]));
  const start = performance.now();
  while (performance.now() < deadline) {
    for (const input of inputs) {
      events += decodeTransaction(normalizeRpcTransaction(input)).events.length;
      count++;
    }
  }
  return { txPerS: Math.round(count / ((performance.now() - start) / 1000)), events };
}

function main(): void {
  if (fixturesMissing) {
    console.error(`bench:decode skipped: ${fixturesMissing}`);
    return;
  }
  const json = process.argv.includes('--json');
  const secondsArg = process.argv.indexOf('--seconds');
  const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 3;
  const sets = corpus();
  const formats = (Object.keys(sets) as Format[]).map((format) => ({ format, inputs: sets[format].length, ...run(sets[format], seconds) }));
  if (json) {
    console.log(JSON.stringify({ formats: formats.map((f) => ({ format: f.format, tx_per_s: f.txPerS, inputs: f.inputs })) }));
    return;
  }
  console.log('format      inputs   tx/s (normalize + decode, one core)');
  for (const f of formats) console.log(`${f.format.padEnd(11)} ${String(f.inputs).padStart(6)}   ${f.txPerS.toLocaleString('en-US').padStart(10)}`);
}

main();

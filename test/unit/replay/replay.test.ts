import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { RawTx } from '../../../src/core/rawtx.ts';
import { DECODER_READ_CONTEXT, decodeTransaction } from '../../../src/decoders/index.ts';
import { ReplaySource, scanJsonRecords } from '../../../src/sources/replay/index.ts';
import { expectedEvents, simulatedTransactions, toRpcJson } from '../../../src/sources/simulate/index.ts';
import type { Checkpoint, SourceItem } from '../../../src/sources/types.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const fixtures = path.resolve(repoRoot, '../shared/fixtures');

async function collect(files: string[], checkpoint: Checkpoint | null = null, extra: Partial<ConstructorParameters<typeof ReplaySource>[0]> = {}): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of new ReplaySource({ files, ...extra }).stream({ checkpoint, signal: new AbortController().signal })) items.push(item);
  return items;
}

const signatures = (items: SourceItem[]): string[] => items.flatMap((i) => (i.kind === 'tx' ? [i.tx.signature] : []));

async function* chunks(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

describe('replay: record scanner', () => {
  const objects = [{ a: 1, s: 'x}]"{[' }, { b: [1, { c: '\\"' }] }, { d: 'é€😀' }];
  for (const [name, text] of [
    ['JSON array', JSON.stringify(objects, null, 2)],
    ['JSONL', objects.map((o) => JSON.stringify(o)).join('\n') + '\n'],
    ['concatenated', objects.map((o) => JSON.stringify(o)).join('')],
  ] as const) {
    it(`${name}: same records whatever the chunk size`, async () => {
      for (const size of [1, 3, 7, 1_000]) {
        const records: unknown[] = [];
        for await (const r of scanJsonRecords(chunks(text, size))) records.push(JSON.parse(r));
        assert.deepEqual(records, objects, `chunk size ${size}`);
      }
    });
  }

  it('a single object, stray text and a truncated tail come out as records to report', async () => {
    const out: string[] = [];
    for await (const r of scanJsonRecords(chunks('{"x":1}\nnot json\n{"y":', 4))) out.push(r);
    assert.deepEqual(out, ['{"x":1}', 'not json', '{"y":']);
  });
});

describe('replay: JSONL, a line is a record', () => {
  it('a brace-unbalanced line ends at its newline; the next lines are records again (any chunk size)', async () => {
    const text = '{"x":1}\n{"y": {"open": [1,\n{"z":3}\n{"s": "unterminated\n{"w":4}\n';
    for (const size of [1, 5, 1_000]) {
      const out: string[] = [];
      for await (const r of scanJsonRecords(chunks(text, size))) out.push(r);
      assert.deepEqual(out, ['{"x":1}', '{"y": {"open": [1,', '{"z":3}', '{"s": "unterminated', '{"w":4}'], `chunk size ${size}`);
    }
  });

  it('a .jsonl file whose first line is broken still reads line by line', async () => {
    const out: string[] = [];
    for await (const r of scanJsonRecords(chunks('{"a": [\n{"b":2}\n', 3), { lines: true })) out.push(r);
    assert.deepEqual(out, ['{"a": [', '{"b":2}']);
  });

  it('pretty-printed JSON (records spanning lines) is not cut at newlines', async () => {
    const objects = [{ a: { b: [1, 2] } }, { c: 3 }];
    const out: unknown[] = [];
    for await (const r of scanJsonRecords(chunks(objects.map((o) => JSON.stringify(o, null, 2)).join('\n'), 4))) out.push(JSON.parse(r));
    assert.deepEqual(out, objects);
  });
});

describe('replay: simulated files', () => {
  let dir: string;
  const options = { seed: 17, count: 3_000 };
  const sims = [...simulatedTransactions(options)];
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'megatron-replay-'));
    const lines = sims.map((s) => JSON.stringify(toRpcJson(s.tx, s.envelope))).join('\n') + '\n';
    await writeFile(path.join(dir, 'sim.jsonl.gz'), gzipSync(lines));
    await writeFile(path.join(dir, 'sim.json'), `[${sims.slice(0, 50).map((s) => JSON.stringify(toRpcJson(s.tx, s.envelope))).join(',\n')}]`);
    await writeFile(path.join(dir, 'broken.jsonl'), `${JSON.stringify(toRpcJson(sims[0]!.tx, sims[0]!.envelope))}\n{"slot": 1}\n{oops\n`);
    const line = (i: number) => JSON.stringify(toRpcJson(sims[i]!.tx, sims[i]!.envelope));
    await writeFile(path.join(dir, 'unbalanced.jsonl'), `${line(0)}\n${line(1).slice(0, 200)}\n${line(2)}\n${line(3)}\n`);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** What a source keeps of a transaction: inner-instruction bytes of the programs the decoders read only. */
  const asRead = (tx: RawTx): RawTx => ({
    ...tx,
    innerInstructions: tx.innerInstructions.map((g) => ({
      ...g,
      instructions: g.instructions.map((ix) => (DECODER_READ_CONTEXT.instructionDataOf.has(tx.accountKeys[ix.programIdIndex]!) ? ix : { ...ix, data: new Uint8Array(0) })),
    })),
  });

  it('a .jsonl.gz of simulated transactions replays to the same RawTx (foreign inner-instruction bytes left out) and the ground-truth events', async () => {
    const items = await collect([path.join(dir, 'sim.jsonl.gz')]);
    assert.equal(items.length, sims.length);
    items.forEach((item, i) => {
      assert.equal(item.kind, 'tx');
      if (item.kind === 'tx') assert.deepEqual(item.tx, asRead(sims[i]!.tx));
    });
    const decoded = items.flatMap((i) => (i.kind === 'tx' ? decodeTransaction(i.tx).events : []));
    const key = (e: { type: string; signature: string; ixIndex: number; innerIxIndex: number }) => `${e.type}:${e.signature}:${e.ixIndex}:${e.innerIxIndex}`;
    assert.deepEqual(new Set(decoded.map(key)), new Set(expectedEvents(options).map(key)));
  });

  it('a JSON array file streams element by element', async () => {
    assert.deepEqual(signatures(await collect([path.join(dir, 'sim.json')])), sims.slice(0, 50).map((s) => s.tx.signature));
  });

  it('resumes after the checkpoint (signature inside its slot, or the whole slot)', async () => {
    const cut = sims[1_000]!.tx;
    const resumed = signatures(await collect([path.join(dir, 'sim.jsonl.gz')], { slot: cut.slot, signature: cut.signature }));
    assert.deepEqual(resumed, sims.slice(1_001).map((s) => s.tx.signature));
    const bySlot = signatures(await collect([path.join(dir, 'sim.jsonl.gz')], { slot: cut.slot, signature: null }));
    assert.deepEqual(bySlot, sims.filter((s) => s.tx.slot > cut.slot).map((s) => s.tx.signature));
  });

  it('records that do not normalize become invalid items with their reason and text', async () => {
    const items = await collect([path.join(dir, 'broken.jsonl')]);
    assert.deepEqual(items.map((i) => i.kind), ['tx', 'invalid', 'invalid']);
    const [, missing, bad] = items as [SourceItem, Extract<SourceItem, { kind: 'invalid' }>, Extract<SourceItem, { kind: 'invalid' }>];
    assert.equal(missing.raw, '{"slot": 1}');
    assert.match(missing.reason, /\w/);
    assert.match(bad.reason, /^bad_json/);
  });

  it('a corrupt, brace-unbalanced JSONL line is quarantined alone; the lines after it replay', async () => {
    const items = await collect([path.join(dir, 'unbalanced.jsonl')]);
    assert.deepEqual(items.map((i) => i.kind), ['tx', 'invalid', 'tx', 'tx']);
    assert.deepEqual(signatures(items), [0, 2, 3].map((i) => sims[i]!.tx.signature));
    assert.match((items[1] as Extract<SourceItem, { kind: 'invalid' }>).reason, /^bad_json/);
  });

  it('recorded pace follows block times, scaled by speed', async () => {
    // 60 transactions spanning 2 s of block time (5 slots) at speed 8 → about 250 ms.
    const slotEnd = sims.findIndex((s) => s.tx.blockTime! >= sims[0]!.tx.blockTime! + 2);
    const file = path.join(dir, 'paced.jsonl');
    await writeFile(file, sims.slice(0, slotEnd + 1).map((s) => JSON.stringify(toRpcJson(s.tx, s.envelope))).join('\n'));
    const started = Date.now();
    await collect([file], null, { pace: 'recorded', speed: 8 });
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 230 && elapsed < 2_000, `took ${elapsed} ms`);
  });
});

describe('replay: real fixtures', () => {
  const skip = existsSync(fixtures) ? false : `../shared/fixtures not found at ${fixtures}`;
  it('replays every full-transaction fixture: transactions decode, unreadable entries are invalid with a reason', { skip }, async () => {
    const files = ['pumpfun', 'raydium-launchlab'].flatMap((d) =>
      readdirSync(path.join(fixtures, d)).filter((f) => f.endsWith('.json')).map((f) => path.join(fixtures, d, f)),
    );
    const items = await collect(files);
    const txs = items.filter((i) => i.kind === 'tx');
    const invalid = items.filter((i) => i.kind === 'invalid');
    assert.ok(txs.length >= 25, `${txs.length} transactions`);
    for (const i of invalid) assert.ok(i.kind === 'invalid' && i.reason.length > 0 && i.raw.startsWith('{'));
    const events = txs.flatMap((i) => (i.kind === 'tx' ? decodeTransaction(i.tx).events : []));
    assert.ok(events.filter((e) => e.type === 'trade').length >= 25);
    assert.ok(events.some((e) => e.type === 'pool_created') && events.some((e) => e.type === 'token_created'));
  });
});

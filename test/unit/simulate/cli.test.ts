import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { parseSimulateFlags } from '../../../src/cli/simulate.ts';
import { UsageError } from '../../../src/core/errors.ts';
import { decodeTransaction } from '../../../src/decoders/index.ts';
import { simulatedTransactions, toRpcJson } from '../../../src/sources/simulate/index.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

describe('megatron simulate', () => {
  it('parses its flags; only "now" brings the wall clock into the data', () => {
    assert.deepEqual(parseSimulateFlags({ seed: '42', count: '10', rate: '2000', startSlot: '5', startTime: '2026-01-01T00:00:00Z', txPerSlot: '8' }), {
      seed: 42,
      count: 10,
      rate: 2000,
      startSlot: 5,
      startTime: 1_767_225_600,
      txPerSlot: 8,
    });
    assert.deepEqual(parseSimulateFlags({ seed: 'abc', rate: 'unlimited', startTime: 'now', logs: false }, 1_700_000_000_999), {
      seed: 'abc',
      startTime: 1_700_000_000,
      logs: false,
    });
    assert.throws(() => parseSimulateFlags({ count: '-1' }), UsageError);
    assert.throws(() => parseSimulateFlags({ rate: 'fast' }), UsageError);
    assert.throws(() => parseSimulateFlags({ startTime: 'yesterday' }), UsageError);
  });

  it('--rate without --tx-per-slot sizes slots so chain time keeps up with the wall clock', () => {
    for (const rate of [50, 300, 2000]) {
      const options = parseSimulateFlags({ seed: '3', rate: String(rate), startTime: '2026-01-01T00:00:00Z' });
      const count = rate * 120; // two minutes of wall clock at this pace
      let first: number | null = null;
      let last = 0;
      for (const sim of simulatedTransactions({ ...options, count })) {
        first ??= sim.tx.blockTime!;
        last = sim.tx.blockTime!;
      }
      const chainSeconds = last - first!;
      assert.ok(chainSeconds > 120 * 0.85 && chainSeconds < 120 * 1.15, `rate ${rate}: 120 s of pace spanned ${chainSeconds} s of chain time`);
    }
  });

  it('--out FILE.gz writes gzip JSONL identical to the in-process rendering', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'megatron-sim-cli-'));
    try {
      const file = path.join(dir, 'out.jsonl.gz');
      await run(process.execPath, ['bin/megatron.js', 'simulate', '--out', file, '--count', '300', '--seed', '8'], { cwd: repoRoot });
      const lines = gunzipSync(await readFile(file)).toString('utf8').trimEnd().split('\n');
      const expected = [...simulatedTransactions({ seed: 8, count: 300 })].map((s) => JSON.stringify(toRpcJson(s.tx, s.envelope)));
      assert.deepEqual(lines, expected);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

it('without logs: logMessages is null and the decoders still find every event', () => {
  for (const sim of simulatedTransactions({ seed: 30, count: 2_000, logs: false, bundleShare: 0.5 })) {
    assert.equal(sim.tx.logMessages, null);
    assert.equal(decodeTransaction(sim.tx).events.length, sim.events.length);
  }
});

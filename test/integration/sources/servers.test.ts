/**
 * The test servers derive base64 results and Geyser updates from RPC-json transactions; this pins that
 * every derived form normalizes to exactly the RawTx of the original, so source tests compare like with like.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SubscribeUpdate } from '@triton-one/yellowstone-grpc';
import { normalizeRpcTransaction, normalizeYellowstoneTransaction } from '../../../src/sources/formats/index.ts';
import { loadRpcFixtures } from '../../servers/ledger.ts';
import { toTransactionUpdate } from '../../servers/geyser-convert.ts';
import { toBase64Result } from '../../servers/wire.ts';

const fixtures = loadRpcFixtures();

test('Geyser updates and base64 results made by the test servers normalize like the recorded json', { skip: fixtures ? false : 'shared fixtures absent (../shared/fixtures)' }, () => {
  assert.ok(fixtures!.length >= 10, `json fixtures found: ${fixtures!.length}`);
  const versions = new Set(fixtures!.map((t) => String(t.version)));
  assert.deepEqual([...versions].sort(), ['0', '1', 'legacy'], 'legacy, v0 and v1 messages covered');
  for (const tx of fixtures!) {
    const expected = normalizeRpcTransaction(tx);
    const wire = SubscribeUpdate.encode(SubscribeUpdate.fromPartial({ filters: ['f'], transaction: toTransactionUpdate(tx, 4) })).finish();
    const viaGeyser = normalizeYellowstoneTransaction(SubscribeUpdate.decode(wire).transaction, tx.blockTime);
    assert.deepEqual(viaGeyser, { ...expected, indexInBlock: 4 }, `geyser ${expected.signature}`);
    assert.deepEqual(normalizeRpcTransaction(toBase64Result(tx)), expected, `base64 ${expected.signature}`);
  }
});

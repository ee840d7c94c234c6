import assert from 'node:assert/strict';
import { test } from 'node:test';
import { balanceRowsFromTx, vaultOwners } from '../../../src/analytics/holders/balances.ts';
import type { TradeEvent } from '../../../src/core/events.ts';
import type { RawTx } from '../../../src/core/rawtx.ts';
import { LAUNCHLAB_VAULT_AUTHORITY } from '../../../src/decoders/launchlab/constants.ts';

const tx = (over: Partial<RawTx>): RawTx => ({
  signature: 'sig', slot: 100, blockTime: 1, indexInBlock: null, accountKeys: [], staticKeyCount: 0, version: 0,
  instructions: [], innerInstructions: [], logMessages: null, err: null, fee: 5000n, preBalances: [], postBalances: [],
  preTokenBalances: [], postTokenBalances: [], ...over,
});
const bal = (mint: string, owner: string | null, amount: bigint, accountIndex = 1) => ({ accountIndex, mint, owner, programId: null, amount, decimals: 6 });

test('post token balances become exact per-owner rows; vaults, other mints and failed txs are left out', () => {
  const curve = 'Curve111';
  const owners = vaultOwners([{ type: 'trade', pool: curve } as TradeEvent]);
  assert.ok(owners.has(curve) && owners.has(LAUNCHLAB_VAULT_AUTHORITY));
  const raw = tx({
    postTokenBalances: [
      bal('M', 'alice', 18_446_744_073_709_551_615n),
      bal('M', curve, 793_000_000_000_000n), // the bonding curve's vault
      bal('M', 'bob', 5n, 2),
      bal('M', 'bob', 7n, 3), // a second token account of the same owner
      bal('M', 'carol', 0n), // sold out: a zero balance must be stored to replace the old one
      bal('OTHER', 'alice', 1n),
      bal('M', null, 9n),
    ],
  });
  assert.deepEqual(balanceRowsFromTx(raw, new Set(['M']), owners), [
    { mint: 'M', owner: 'alice', amount: 18_446_744_073_709_551_615n, slot: 100 },
    { mint: 'M', owner: 'bob', amount: 12n, slot: 100 },
    { mint: 'M', owner: 'carol', amount: 0n, slot: 100 },
  ]);
  assert.deepEqual(balanceRowsFromTx({ ...raw, err: { InstructionError: [0, 'Custom'] } }, new Set(['M']), owners), []);
});

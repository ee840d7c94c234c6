/**
 * Mutates the launchpad event payloads of real transactions (truncation, bit flips, inserted bytes) and
 * checks the decoder never throws, and never returns an event from a corrupt payload without a problem
 * that flags it (malformed event, verification mismatch, or a changed-but-consistent decode).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RawTx } from '../../../src/core/rawtx.ts';
import { EVENT_CPI_TAG } from '../../../src/decoders/anchor.ts';
import { decodeTransaction } from '../../../src/decoders/index.ts';
import { normalizeAnyTransaction } from '../../../src/sources/formats/index.ts';
import { fixturesMissing, loadFullTransactions } from '../formats/fixtures.ts';

/** Deterministic PRNG so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const isEvent = (d: Uint8Array) => d.length >= 16 && EVENT_CPI_TAG.every((b, i) => d[i] === b);

function withEventData(tx: RawTx, g: number, i: number, data: Uint8Array): RawTx {
  return {
    ...tx,
    innerInstructions: tx.innerInstructions.map((group, gi) =>
      gi !== g ? group : { ...group, instructions: group.instructions.map((ix, ii) => (ii === i ? { ...ix, data } : ix)) },
    ),
  };
}

const stable = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

describe('fuzz: corrupt event payloads', { skip: fixturesMissing }, () => {
  it('truncation, bit flips and wrong lengths: no crash, nothing corrupt passes silently', () => {
    const next = rng(42);
    let mutations = 0;
    let flagged = 0;
    for (const f of loadFullTransactions()) {
      const tx = normalizeAnyTransaction(f.value, { slot: 0 });
      const clean = decodeTransaction(tx);
      tx.innerInstructions.forEach((group, g) =>
        group.instructions.forEach((ix, i) => {
          if (!isEvent(ix.data)) return;
          const d = ix.data;
          const variants: Uint8Array[] = [];
          for (let k = 0; k < 6; k++) variants.push(d.subarray(0, 16 + Math.floor(next() * (d.length - 16)))); // truncated
          for (let k = 0; k < 10; k++) {
            const flipped = Uint8Array.from(d);
            const at = 16 + Math.floor(next() * (d.length - 16));
            flipped[at]! ^= 1 << Math.floor(next() * 8);
            variants.push(flipped);
          }
          const longer = new Uint8Array(d.length + 3);
          longer.set(d.subarray(0, 56));
          longer.set(d.subarray(56), 59);
          variants.push(longer); // bytes inserted mid-payload
          for (const data of variants) {
            mutations++;
            const r = decodeTransaction(withEventData(tx, g, i, data));
            if (stable(r.events) === stable(clean.events)) continue; // mutation hit nothing decoded (e.g. an ignored field)
            // Quarantined (undecodable) or flagged (the balance check disagrees): either way not silent.
            if (r.problems.some((p) => p.severity !== 'count' || p.kind === 'trailing_bytes')) {
              flagged++;
              continue;
            }
            // Remaining changed-but-unflagged decodes: allowed only where no balance can contradict them
            // (string fields, keys outside verified accounts, reserves, timestamps), never the verified amounts.
            const amounts = (x: typeof r.events) =>
              stable(x.filter((e) => e.type === 'trade').map((e) => [e.ixIndex, e.innerIxIndex, e.side, e.tokenAmount, e.solAmount]));
            assert.equal(amounts(r.events), amounts(clean.events), `${f.name}: a corrupt amount passed silently`);
          }
        }),
      );
    }
    assert.ok(mutations > 300, `only ${mutations} mutations`);
    assert.ok(flagged > mutations / 4, `only ${flagged} of ${mutations} flagged`);
  });

  it('random bytes as a whole transaction never throw anything but a NormalizeError', () => {
    const next = rng(7);
    for (let k = 0; k < 300; k++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(next() * 400) }, () => Math.floor(next() * 256)));
      try {
        decodeTransaction(normalizeAnyTransaction({ slot: 1, transaction: [bytes.toString('base64'), 'base64'], meta: { err: null, fee: 0 } }));
      } catch (err) {
        assert.equal((err as Error).name, 'NormalizeError', String(err));
      }
    }
  });
});

/** Shared by the source tests: collect a source's output until a condition, with a deadline. */
import type { SourceItem, TransactionSource, Checkpoint } from '../../../src/sources/types.ts';
import { accountKeysOf, failed, type RpcTx } from '../../servers/ledger.ts';

export const PUMP = '6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P';
export const LAUNCHLAB = 'LanMV9sAd7wArD4vJFi2qDdfnVhFxYSUg6eADduJ3uj';

export interface Collected {
  items: SourceItem[];
  signatures: string[];
  gaps: Array<Extract<SourceItem, { kind: 'gap' }>>;
}

/**
 * Runs `source` and records what it yields. `pace` (ms per item) simulates a slow consumer. `stop()`
 * aborts and waits for the stream to finish.
 */
export function runSource(source: TransactionSource, checkpoint: Checkpoint | null = null, pace = 0) {
  const controller = new AbortController();
  const out: Collected = { items: [], signatures: [], gaps: [] };
  let failure: unknown;
  const done = (async () => {
    try {
      for await (const item of source.stream({ checkpoint, signal: controller.signal })) {
        out.items.push(item);
        if (item.kind === 'tx') out.signatures.push(item.tx.signature);
        else if (item.kind === 'gap') out.gaps.push(item);
        if (pace > 0) await new Promise((r) => setTimeout(r, pace));
      }
    } catch (err) {
      failure = err;
    }
  })();
  return {
    out,
    async until(predicate: (c: Collected) => boolean, what: string, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(out)) {
        if (failure) throw failure;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: have ${out.signatures.length} signatures, ${out.gaps.length} gaps`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      controller.abort();
      await done;
      if (failure) throw failure;
    },
  };
}

/** Every value appears once. */
export function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}

/** A pool the AMM tests follow. */
export const POOL = 'AmmPoo1TrackedPoo1TrackedPoo1TrackedPoo1Trk';

/**
 * The transactions as trades on `POOL` only (general AMM traffic): the launchpad program replaced by the pool
 * in the static account keys; failed ones and templates with address lookup tables (which name the program
 * outside the static keys) left out.
 */
export function onPool(txs: RpcTx[]): RpcTx[] {
  return txs
    .filter((t) => !(t.meta?.loadedAddresses?.writable.length || t.meta?.loadedAddresses?.readonly.length))
    .map((t) => {
      const keys = t.transaction.message.accountKeys as unknown[];
      t.transaction.message.accountKeys = keys.map((k) => (typeof k === 'string' && [PUMP, LAUNCHLAB].includes(k) ? POOL : k)) as typeof t.transaction.message.accountKeys;
      return t;
    })
    .filter((t) => accountKeysOf(t).includes(POOL) && !failed(t));
}

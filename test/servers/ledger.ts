/**
 * What the test servers serve: getTransaction results in the RPC `json` encoding (recorded fixtures or
 * simulator output), kept in chain order. Both servers read the same ledger type so a test can feed one
 * set of transactions to either and compare what a source yields with this ground truth.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import bs58 from 'bs58';

/** A getTransaction `result` (encoding json or jsonParsed), as the RPC returns it. */
export interface RpcTx {
  slot: number;
  blockTime: number | null;
  version?: 'legacy' | number;
  transaction: {
    signatures: string[];
    message: {
      header?: { numRequiredSignatures: number; numReadonlySignedAccounts: number; numReadonlyUnsignedAccounts: number };
      accountKeys: Array<string | { pubkey: string }>;
      recentBlockhash: string;
      instructions: Array<{ programIdIndex: number; accounts: number[]; data: string; stackHeight?: number | null }>;
      addressTableLookups?: Array<{ accountKey: string; writableIndexes: number[]; readonlyIndexes: number[] }>;
    };
  };
  meta: {
    err: unknown;
    fee: number;
    preBalances: number[];
    postBalances: number[];
    innerInstructions?: Array<{ index: number; instructions: Array<{ programIdIndex: number; accounts: number[]; data: string; stackHeight?: number | null }> }> | null;
    logMessages?: string[] | null;
    preTokenBalances?: RpcTokenBalance[] | null;
    postTokenBalances?: RpcTokenBalance[] | null;
    loadedAddresses?: { writable: string[]; readonly: string[] } | null;
    computeUnitsConsumed?: number;
    [key: string]: unknown;
  } | null;
  [key: string]: unknown;
}

export interface RpcTokenBalance {
  accountIndex: number;
  mint: string;
  owner?: string;
  programId?: string;
  uiTokenAmount: { amount: string; decimals: number; uiAmount: number | null; uiAmountString: string };
}

export const signatureOf = (tx: RpcTx): string => tx.transaction.signatures[0]!;

/** Static keys, then ALT-loaded writable, then readonly: what "mentions" and instruction indices refer to. */
export function accountKeysOf(tx: RpcTx): string[] {
  const stat = tx.transaction.message.accountKeys.map((k) => (typeof k === 'string' ? k : k.pubkey));
  const loaded = tx.meta?.loadedAddresses;
  return loaded ? [...stat, ...loaded.writable, ...loaded.readonly] : stat;
}

export function mentions(tx: RpcTx, address: string): boolean {
  return accountKeysOf(tx).includes(address);
}

export const failed = (tx: RpcTx): boolean => tx.meta?.err !== null && tx.meta?.err !== undefined;

/** Repository root's sibling `shared/fixtures`, or null when it is absent (tests then skip). */
export function fixturesDir(): string | null {
  const repoRoot = path.resolve(import.meta.dirname, '../..');
  const dir = path.resolve(repoRoot, '../shared/fixtures');
  return existsSync(path.join(dir, 'index.json')) ? dir : null;
}

interface FixtureIndex {
  files: Array<{ file: string; format: string; transactions?: Array<{ encoding?: string }> }>;
}

/** Unwraps the envelopes the fixtures come in: bare result, JSON-RPC `{result}`, one-element array, labelled entry. */
function unwrap(raw: unknown): RpcTx | null {
  let v = raw;
  if (Array.isArray(v)) v = v[0];
  if (v && typeof v === 'object' && 'result' in v) v = (v as { result: unknown }).result;
  // chainstack entries wrap the bare result: {label, signature, …, transaction: {slot, meta, transaction}}.
  const inner = (v as { transaction?: unknown } | null)?.transaction;
  if (inner && typeof inner === 'object' && 'meta' in inner && 'slot' in inner) v = inner;
  if (v && typeof v === 'object' && 'transaction' in v && 'meta' in v && 'slot' in v) {
    const tx = v as RpcTx;
    return Array.isArray(tx.transaction.signatures) && typeof tx.transaction.message?.recentBlockhash === 'string' ? tx : null;
  }
  return null;
}

/**
 * The recorded getTransaction results in the `json` encoding (the servers derive base64 and Geyser
 * updates from them). Null when ../shared/fixtures is absent.
 */
export function loadRpcFixtures(): RpcTx[] | null {
  const dir = fixturesDir();
  if (!dir) return null;
  const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as FixtureIndex;
  const out: RpcTx[] = [];
  for (const entry of index.files) {
    if (entry.format !== 'rpc' || entry.transactions?.[0]?.encoding !== 'json') continue;
    // index.json lists one file without its program folder; look there too.
    const file = [entry.file, `pumpfun/${entry.file}`, `raydium-launchlab/${entry.file}`]
      .map((f) => path.join(dir, f))
      .find((f) => existsSync(f));
    if (!file) continue;
    const tx = unwrap(JSON.parse(readFileSync(file, 'utf8')));
    if (tx && tx.transaction.message.accountKeys.every((k) => typeof k === 'string')) out.push(tx);
  }
  return out.sort((a, b) => a.slot - b.slot);
}

/** A deterministic, well-formed (64-byte base58) signature that no real transaction has. */
export function fakeSignature(seed: string): string {
  return bs58.encode(createHash('sha512').update(`megatron-test:${seed}`).digest());
}

export interface SynthesizeOptions {
  count: number;
  startSlot: number;
  /** Transactions per slot (consecutive slots; `slotStride` > 1 leaves empty slots between). */
  perSlot?: number;
  slotStride?: number;
  /** Makes signatures differ between calls that would otherwise produce the same ones. */
  seed?: string;
}

/**
 * `count` copies of the templates (round-robin) with fresh signatures and consecutive slots: many real
 * transactions' worth of traffic without new fixtures. Decoders see the same instructions; only identity
 * and position change.
 */
export function synthesize(templates: RpcTx[], opts: SynthesizeOptions): RpcTx[] {
  if (templates.length === 0) throw new Error('synthesize needs at least one template');
  const perSlot = opts.perSlot ?? 3;
  const stride = opts.slotStride ?? 1;
  const out: RpcTx[] = [];
  for (let i = 0; i < opts.count; i++) {
    const tpl = templates[i % templates.length]!;
    const tx = structuredClone(tpl);
    tx.slot = opts.startSlot + Math.floor(i / perSlot) * stride;
    tx.blockTime = 1_700_000_000 + Math.floor(tx.slot * 0.4);
    tx.transaction.signatures = [fakeSignature(`${opts.seed ?? ''}:${i}`), ...tx.transaction.signatures.slice(1)];
    out.push(tx);
  }
  return out;
}

/** Groups a ledger into blocks (slot order, transactions in ledger order within a slot). */
export function blocksOf(txs: RpcTx[]): Array<{ slot: number; blockTime: number | null; txs: RpcTx[] }> {
  const bySlot = new Map<number, RpcTx[]>();
  for (const tx of txs) {
    const list = bySlot.get(tx.slot);
    if (list) list.push(tx);
    else bySlot.set(tx.slot, [tx]);
  }
  return [...bySlot.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([slot, list]) => ({ slot, blockTime: list[0]!.blockTime, txs: list }));
}

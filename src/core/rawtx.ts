/**
 * The normalized transaction every source yields and every decoder reads.
 * Sources (RPC json/jsonParsed/base64, Yellowstone gRPC, replay, simulate) convert into this once,
 * so decoders never see a wire format.
 */

/** One compiled instruction: program and accounts are indices into {@link RawTx.accountKeys}. */
export interface RawInstruction {
  programIdIndex: number;
  accounts: number[];
  data: Uint8Array;
  /** 1 for top-level instructions, n+1 for a CPI made at height n; null when the source does not say. */
  stackHeight: number | null;
}

/** Inner (CPI) instructions executed under top-level instruction `index`, in execution order. */
export interface RawInnerInstructions {
  index: number;
  instructions: RawInstruction[];
}

/** A pre/post token balance as the runtime reports it (raw base units, exact). */
export interface RawTokenBalance {
  accountIndex: number;
  mint: string;
  owner: string | null;
  programId: string | null;
  amount: bigint;
  decimals: number;
}

export interface RawTx {
  signature: string;
  slot: number;
  /** Unix seconds; null when the source does not know it (Yellowstone updates carry none). */
  blockTime: number | null;
  /** Position in the block when the source tells it (Yellowstone), for ordering inside a slot. */
  indexInBlock: number | null;
  /** Static keys, then loaded writable, then loaded readonly addresses (base58): what instruction indices point into. */
  accountKeys: string[];
  /** How many of {@link accountKeys} are static (the rest came from address lookup tables). */
  staticKeyCount: number;
  version: 'legacy' | 0 | 1;
  instructions: RawInstruction[];
  innerInstructions: RawInnerInstructions[];
  /** null when the source had no logs (not the same as an empty log). */
  logMessages: string[] | null;
  /** Transaction error as the runtime reported it; null on success. Failed transactions yield no events. */
  err: unknown;
  fee: bigint;
  preBalances: bigint[];
  postBalances: bigint[];
  preTokenBalances: RawTokenBalance[];
  postTokenBalances: RawTokenBalance[];
}

/** A RawTx as JSON (how quarantined and flagged transactions are kept): instruction data base64, amounts decimal text. */
export function rawTxJson(tx: RawTx): string {
  return JSON.stringify(tx, (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v,
  );
}

/**
 * The inverse of {@link rawTxJson}: a stored transaction back into a RawTx, so it can be decoded again.
 * Throws a clear error when the text is not such a transaction (e.g. a quarantined record that never parsed).
 */
export function parseRawTxJson(text: string): RawTx {
  const o = JSON.parse(text) as Record<string, unknown>;
  if (typeof o.signature !== 'string' || !Array.isArray(o.accountKeys) || !Array.isArray(o.instructions)) {
    throw new Error('not a stored transaction (signature, accountKeys and instructions expected)');
  }
  type Stored = Omit<RawInstruction, 'data'> & { data: string };
  type StoredBalance = Omit<RawTokenBalance, 'amount'> & { amount: string };
  const ix = (i: Stored): RawInstruction => ({ ...i, data: new Uint8Array(Buffer.from(i.data, 'base64')) });
  const balance = (b: StoredBalance): RawTokenBalance => ({ ...b, amount: BigInt(b.amount) });
  const big = (list: unknown): bigint[] => (list as string[]).map((v) => BigInt(v));
  return {
    ...(o as unknown as RawTx),
    fee: BigInt(o.fee as string),
    instructions: (o.instructions as Stored[]).map(ix),
    innerInstructions: (o.innerInstructions as Array<{ index: number; instructions: Stored[] }>).map((g) => ({ index: g.index, instructions: g.instructions.map(ix) })),
    preBalances: big(o.preBalances),
    postBalances: big(o.postBalances),
    preTokenBalances: (o.preTokenBalances as StoredBalance[]).map(balance),
    postTokenBalances: (o.postTokenBalances as StoredBalance[]).map(balance),
  };
}

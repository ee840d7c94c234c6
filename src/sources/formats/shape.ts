import type { RawInstruction, RawTokenBalance } from '../../core/rawtx.ts';
import { NormalizeError } from './errors.ts';

/** Small typed accessors over untrusted JSON: each failure is a NormalizeError naming the field. */
export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown, what: string): Obj {
  if (!isObj(v)) throw new NormalizeError('bad_shape', `${what} is not an object`);
  return v;
}

export function arr(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new NormalizeError('bad_shape', `${what} is not an array`);
  return v;
}

export function optArr(v: unknown, what: string): unknown[] {
  return v === undefined || v === null ? [] : arr(v, what);
}

export function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new NormalizeError('bad_shape', `${what} is not a string`);
  return v;
}

/** A non-negative safe integer (indices, slots, counts). Accepts decimal strings (Yellowstone u64). */
export function int(v: unknown, what: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new NormalizeError('bad_shape', `${what} is not a non-negative integer`);
  return n;
}

/** An exact u64 from a JSON number (only when safe) or a decimal string. */
export function u64(v: unknown, what: string): bigint {
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'bigint' && v >= 0n) return v;
  throw new NormalizeError('bad_shape', `${what} is not an exact unsigned integer`);
}

export function u64List(v: unknown, what: string): bigint[] {
  return optArr(v, what).map((x, i) => u64(x, `${what}[${i}]`));
}

export function tokenBalances(v: unknown, what: string): RawTokenBalance[] {
  return optArr(v, what).map((raw, i) => {
    const b = obj(raw, `${what}[${i}]`);
    const ui = obj(b.uiTokenAmount, `${what}[${i}].uiTokenAmount`);
    return {
      accountIndex: int(b.accountIndex, `${what}[${i}].accountIndex`),
      mint: str(b.mint, `${what}[${i}].mint`),
      owner: typeof b.owner === 'string' && b.owner !== '' ? b.owner : null,
      programId: typeof b.programId === 'string' && b.programId !== '' ? b.programId : null,
      amount: u64(ui.amount, `${what}[${i}].amount`),
      decimals: int(ui.decimals, `${what}[${i}].decimals`),
    };
  });
}

/** Every program/account index and token-balance index must point into the key list. */
export function checkIndices(
  keyCount: number,
  instructions: RawInstruction[],
  inner: Array<{ instructions: RawInstruction[] }>,
  balances: RawTokenBalance[][],
): void {
  const check = (i: number, what: string) => {
    if (i >= keyCount) throw new NormalizeError('index_out_of_range', `${what} ${i} ≥ ${keyCount} keys`);
  };
  const checkIx = (ix: RawInstruction) => {
    check(ix.programIdIndex, 'programIdIndex');
    for (const a of ix.accounts) check(a, 'account index');
  };
  instructions.forEach(checkIx);
  for (const group of inner) group.instructions.forEach(checkIx);
  for (const list of balances) for (const b of list) check(b.accountIndex, 'token balance accountIndex');
}

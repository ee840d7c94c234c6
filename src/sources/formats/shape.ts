import type { RawInstruction, RawTokenBalance } from '../../core/rawtx.ts';
import { NormalizeError } from './errors.ts';

/**
 * Small typed accessors over untrusted JSON: each failure is a NormalizeError naming the field. Element
 * accessors take the list's name and the position and only build the field's name when they fail: a
 * transaction has hundreds of elements, and their names are garbage on the success path.
 */
export type Obj = Record<string, unknown>;

/** `what`, `what[index]` or `what[index].field`. */
function label(what: string, index: number, field: string): string {
  const at = index < 0 ? what : `${what}[${index}]`;
  return field === '' ? at : `${at}.${field}`;
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown, what: string, index = -1, field = ''): Obj {
  if (!isObj(v)) throw new NormalizeError('bad_shape', `${label(what, index, field)} is not an object`);
  return v;
}

export function arr(v: unknown, what: string, index = -1, field = ''): unknown[] {
  if (!Array.isArray(v)) throw new NormalizeError('bad_shape', `${label(what, index, field)} is not an array`);
  return v;
}

export function optArr(v: unknown, what: string): unknown[] {
  return v === undefined || v === null ? [] : arr(v, what);
}

export function str(v: unknown, what: string, index = -1, field = ''): string {
  if (typeof v !== 'string') throw new NormalizeError('bad_shape', `${label(what, index, field)} is not a string`);
  return v;
}

const DECIMAL = /^\d+$/;

/** A non-negative safe integer (indices, slots, counts). Accepts decimal strings (Yellowstone u64). */
export function int(v: unknown, what: string, index = -1, field = ''): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  const n = typeof v === 'string' && DECIMAL.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new NormalizeError('bad_shape', `${label(what, index, field)} is not a non-negative integer`);
  }
  return n;
}

const U64_DECIMAL = /^\d{1,20}$/;

/** An exact u64 from a JSON number (only when safe) or a decimal string. */
export function u64(v: unknown, what: string, index = -1, field = ''): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && U64_DECIMAL.test(v)) return BigInt(v);
  if (typeof v === 'bigint' && v >= 0n) return v;
  throw new NormalizeError('bad_shape', `${label(what, index, field)} is not an exact unsigned integer`);
}

/**
 * A list of u64. `like` (an earlier list: raw input and its result) lends its bigint wherever the raw value is
 * the same: most accounts' post balance equals their pre balance, and BigInt() per element is a visible cost.
 */
export function u64List(v: unknown, what: string, like?: { raw: unknown; values: bigint[] }): bigint[] {
  const list = optArr(v, what);
  const out = new Array<bigint>(list.length);
  const likeRaw = like !== undefined && Array.isArray(like.raw) && like.raw.length === list.length ? like.raw : null;
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    out[i] = likeRaw !== null && likeRaw[i] === x ? like!.values[i]! : u64(x, what, i);
  }
  return out;
}

/** A list of indices (instruction accounts). */
export function intList(v: unknown, what: string, index = -1, field = ''): number[] {
  const list = arr(v, what, index, field);
  const out = new Array<number>(list.length);
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    out[i] = typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : int(x, label(what, index, field), i);
  }
  return out;
}

/**
 * The input itself once every element is checked to be a string: log lines are only read, and copying a few
 * dozen of them per transaction is pure garbage.
 */
export function checkedStrList(v: unknown, what: string): string[] {
  const list = arr(v, what);
  for (let i = 0; i < list.length; i++) if (typeof list[i] !== 'string') str(list[i], what, i);
  return list as string[];
}

/** A list of strings (keys, log lines), copied so the RawTx does not alias the input. */
export function strList(v: unknown, what: string, index = -1, field = ''): string[] {
  const list = arr(v, what, index, field);
  const out = new Array<string>(list.length);
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    out[i] = typeof x === 'string' ? x : str(x, label(what, index, field), i);
  }
  return out;
}

export function tokenBalances(v: unknown, what: string): RawTokenBalance[] {
  const list = optArr(v, what);
  const out = new Array<RawTokenBalance>(list.length);
  for (let i = 0; i < list.length; i++) {
    const b = obj(list[i], what, i);
    const ui = obj(b.uiTokenAmount, what, i, 'uiTokenAmount');
    out[i] = {
      accountIndex: int(b.accountIndex, what, i, 'accountIndex'),
      mint: str(b.mint, what, i, 'mint'),
      owner: typeof b.owner === 'string' && b.owner !== '' ? b.owner : null,
      programId: typeof b.programId === 'string' && b.programId !== '' ? b.programId : null,
      amount: u64(ui.amount, what, i, 'amount'),
      decimals: int(ui.decimals, what, i, 'decimals'),
    };
  }
  return out;
}

/** Every program/account index and token-balance index must point into the key list. */
export function checkIndices(
  keyCount: number,
  instructions: RawInstruction[],
  inner: Array<{ instructions: RawInstruction[] }>,
  balances: RawTokenBalance[][],
): void {
  for (const ix of instructions) checkInstruction(keyCount, ix);
  for (const group of inner) for (const ix of group.instructions) checkInstruction(keyCount, ix);
  for (const list of balances) for (const b of list) checkIndex(keyCount, b.accountIndex, 'token balance accountIndex');
}

function checkInstruction(keyCount: number, ix: RawInstruction): void {
  checkIndex(keyCount, ix.programIdIndex, 'programIdIndex');
  for (const a of ix.accounts) checkIndex(keyCount, a, 'account index');
}

function checkIndex(keyCount: number, i: number, what: string): void {
  if (i >= keyCount) throw new NormalizeError('index_out_of_range', `${what} ${i} ≥ ${keyCount} keys`);
}

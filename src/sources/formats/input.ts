import type { RawTx } from '../../core/rawtx.ts';
import { NormalizeError } from './errors.ts';
import { normalizeRpcTransaction, type TxContext } from './rpc.ts';
import { isObj } from './shape.ts';
import { normalizeYellowstoneTransaction } from './yellowstone.ts';

/**
 * Transactions from text: one JSON value (an object, or an array whose elements are taken one by one) or JSONL.
 * @throws NormalizeError (`bad_json`) naming the first line that does not parse.
 */
export function parseTransactionInput(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    return flatten(JSON.parse(trimmed));
  } catch {
    // not one JSON document: try JSON Lines
  }
  const out: unknown[] = [];
  trimmed.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(...flatten(JSON.parse(line)));
    } catch (err) {
      throw new NormalizeError('bad_json', `line ${i + 1}: ${(err as Error).message}`);
    }
  });
  return out;
}

function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** Yellowstone update (`transaction.isVote` present) or any RPC shape: for inputs of unknown origin (CLI, replay). */
export function normalizeAnyTransaction(value: unknown, context: TxContext = {}): RawTx {
  if (isObj(value) && isObj(value.transaction) && 'isVote' in value.transaction) {
    return normalizeYellowstoneTransaction(value, context.blockTime ?? null);
  }
  return normalizeRpcTransaction(value, context);
}

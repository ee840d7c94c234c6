/**
 * RPC `json` transaction → wire bytes (what `encoding: "base64"` returns): the test RPC server answers both
 * encodings from one stored form. Legacy, v0 and v1 (no config words) messages.
 */
import bs58 from 'bs58';
import type { RpcTx } from './ledger.ts';

function shortVec(n: number): number[] {
  const out: number[] = [];
  let v = n;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if (v === 0) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const keyBytes = (k: string | { pubkey: string }): number[] => Array.from(bs58.decode(typeof k === 'string' ? k : k.pubkey));

export function encodeWireTransaction(tx: RpcTx): Uint8Array {
  const msg = tx.transaction.message;
  const header = msg.header;
  if (!header) throw new Error('message header missing: only the json encoding can be re-serialized');
  const sigs = tx.transaction.signatures.map((s) => Array.from(bs58.decode(s)));
  const headerBytes = [header.numRequiredSignatures, header.numReadonlySignedAccounts, header.numReadonlyUnsignedAccounts];
  const ixs = msg.instructions.map((ix) => ({ program: ix.programIdIndex, accounts: ix.accounts, data: Array.from(bs58.decode(ix.data)) }));

  if (tx.version === 1) {
    const out = [0x81, ...headerBytes, 0, 0, 0, 0, ...Array.from(bs58.decode(msg.recentBlockhash)), ixs.length, msg.accountKeys.length];
    for (const k of msg.accountKeys) out.push(...keyBytes(k));
    for (const ix of ixs) out.push(ix.program, ix.accounts.length, ix.data.length & 0xff, ix.data.length >> 8);
    for (const ix of ixs) out.push(...ix.accounts, ...ix.data);
    for (const s of sigs) out.push(...s);
    return Uint8Array.from(out);
  }

  const out = [...shortVec(sigs.length), ...sigs.flat()];
  if (tx.version === 0) out.push(0x80);
  out.push(...headerBytes, ...shortVec(msg.accountKeys.length));
  for (const k of msg.accountKeys) out.push(...keyBytes(k));
  out.push(...Array.from(bs58.decode(msg.recentBlockhash)), ...shortVec(ixs.length));
  for (const ix of ixs) out.push(ix.program, ...shortVec(ix.accounts.length), ...ix.accounts, ...shortVec(ix.data.length), ...ix.data);
  if (tx.version === 0) {
    const lookups = msg.addressTableLookups ?? [];
    out.push(...shortVec(lookups.length));
    for (const l of lookups) {
      out.push(...keyBytes(l.accountKey), ...shortVec(l.writableIndexes.length), ...l.writableIndexes);
      out.push(...shortVec(l.readonlyIndexes.length), ...l.readonlyIndexes);
    }
  }
  return Uint8Array.from(out);
}

/** The getTransaction result in `base64` encoding: `transaction` becomes `[blob, "base64"]`. */
export function toBase64Result(tx: RpcTx): Record<string, unknown> {
  return { ...tx, transaction: [Buffer.from(encodeWireTransaction(tx)).toString('base64'), 'base64'] };
}

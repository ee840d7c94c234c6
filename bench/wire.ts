import bs58 from 'bs58';

/**
 * Serializes a `json`-encoded getTransaction result (legacy or v0 message) into the wire bytes the
 * `base64` encoding carries, so the bench can feed the same fixtures through every input format.
 */
export function jsonResultToBase64(result: Record<string, unknown>): Record<string, unknown> | null {
  const tx = result.transaction as { signatures: string[]; message: Record<string, unknown> };
  const m = tx.message as {
    header: { numRequiredSignatures: number; numReadonlySignedAccounts: number; numReadonlyUnsignedAccounts: number };
    accountKeys: unknown[];
    recentBlockhash: string;
    instructions: Array<{ programIdIndex: number; accounts: number[]; data: string }>;
    addressTableLookups?: Array<{ accountKey: string; writableIndexes: number[]; readonlyIndexes: number[] }>;
    transactionConfig?: unknown;
  };
  if (m.transactionConfig !== undefined || typeof m.accountKeys[0] !== 'string') return null;
  const out: number[] = [];
  const shortVec = (n: number) => {
    do {
      let b = n & 0x7f;
      n >>= 7;
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
  };
  const bytes = (b: Uint8Array) => out.push(...b);
  shortVec(tx.signatures.length);
  for (const s of tx.signatures) bytes(bs58.decode(s));
  const v0 = Array.isArray(m.addressTableLookups);
  if (v0) out.push(0x80);
  out.push(m.header.numRequiredSignatures, m.header.numReadonlySignedAccounts, m.header.numReadonlyUnsignedAccounts);
  shortVec(m.accountKeys.length);
  for (const k of m.accountKeys as string[]) bytes(bs58.decode(k));
  bytes(bs58.decode(m.recentBlockhash));
  shortVec(m.instructions.length);
  for (const ix of m.instructions) {
    out.push(ix.programIdIndex);
    shortVec(ix.accounts.length);
    out.push(...ix.accounts);
    const data = bs58.decode(ix.data);
    shortVec(data.length);
    bytes(data);
  }
  if (v0) {
    shortVec(m.addressTableLookups!.length);
    for (const l of m.addressTableLookups!) {
      bytes(bs58.decode(l.accountKey));
      shortVec(l.writableIndexes.length);
      out.push(...l.writableIndexes);
      shortVec(l.readonlyIndexes.length);
      out.push(...l.readonlyIndexes);
    }
  }
  return { ...result, transaction: [Buffer.from(out).toString('base64'), 'base64'] };
}

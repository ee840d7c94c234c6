import { errorMessage } from '../core/errors.ts';
import { parseRawTxJson } from '../core/rawtx.ts';
import { DECODER_VERSION } from '../decoders/index.ts';
import { clearFlag, listFlags } from '../db/flags.ts';
import { listQuarantine, releaseQuarantined, type QuarantineFilter } from '../db/quarantine.ts';
import type { Db } from '../db/types.ts';
import { EventWriter } from '../db/writer.ts';
import { commitBatch } from './commit.ts';
import { decodeItem, problemsReason, type DecodedTx } from './decode.ts';

/** What one stored transaction became when decoded again. */
export interface RedecodeOutcome {
  /** Quarantine row id, or the signature of a flagged transaction. */
  id: string;
  signature: string | null;
  /** stored: decodes now, its events are stored · flagged: stored, still flagged · failing: still cannot be decoded. */
  outcome: 'stored' | 'flagged' | 'failing';
  events: number;
  /** Why it still fails or is still flagged (null when stored clean). */
  reason: string | null;
}

export interface RedecodeReport {
  decoderVersion: string;
  examined: number;
  stored: number;
  flagged: number;
  failing: number;
  outcomes: RedecodeOutcome[];
}

const SOURCE = 'redecode';

/**
 * Re-runs stored raw transactions through today's decoders (`megatron quarantine retry`). Quarantined
 * ones that decode now are stored — events, holder balances, flags — exactly as the live pipeline would
 * (idempotent: a trade already stored is not stored twice) and leave the quarantine; the rest stay with
 * their new reason. With `flagged`, transactions stored with a self-check disagreement are re-checked:
 * the flag is cleared when the decoders now agree with the balances, and updated otherwise.
 */
export async function redecodeStored(db: Db, filter: QuarantineFilter & { flagged?: boolean }): Promise<RedecodeReport> {
  const writer = new EventWriter(db);
  const outcomes: RedecodeOutcome[] = [];
  /** Decodes one stored text; stores what decodes, then runs `after` (release the row, clear the flag). */
  const redo = async (id: string, signature: string | null, raw: string | null, source: string | null, after: (d: DecodedTx) => Promise<void>): Promise<void> => {
    const decoded = raw === null ? 'not a transaction: nothing to decode again' : decodeRaw(raw);
    if (typeof decoded === 'string' || decoded.quarantine !== null) {
      const reason = typeof decoded === 'string' ? decoded : decoded.quarantine!.reason;
      outcomes.push({ id, signature, outcome: 'failing', events: 0, reason });
      return;
    }
    // Stored first, released after: a crash between the two leaves a row whose retry stores nothing new.
    await commitBatch(writer, source ?? SOURCE, [decoded], { live: false });
    await after(decoded);
    const reason = decoded.flags === null ? null : problemsReason(decoded.flags.problems);
    outcomes.push({ id, signature, outcome: reason === null ? 'stored' : 'flagged', events: decoded.events.length, reason });
  };
  if (filter.flagged) {
    for (const row of await listFlags(db, filter)) {
      await redo(row.signature, row.signature, row.raw, row.source, async (d) => {
        if (d.flags === null) await clearFlag(db, row.signature);
      });
    }
  } else {
    for (const row of await listQuarantine(db, filter)) {
      await redo(row.id, row.signature, row.kind === 'transaction' ? row.raw : null, row.source, () => releaseQuarantined(db, row.id));
    }
  }
  const count = (o: RedecodeOutcome['outcome']): number => outcomes.filter((x) => x.outcome === o).length;
  return { decoderVersion: DECODER_VERSION, examined: outcomes.length, stored: count('stored'), flagged: count('flagged'), failing: count('failing'), outcomes };
}

/** The stored text decoded again, or why it cannot be. */
function decodeRaw(raw: string): DecodedTx | string {
  let tx;
  try {
    tx = parseRawTxJson(raw);
  } catch (err) {
    return `unreadable: ${errorMessage(err)}`;
  }
  const item = decodeItem({ kind: 'tx', tx, receivedAtMs: Date.now() });
  return item.kind === 'tx' ? item : 'not a transaction';
}

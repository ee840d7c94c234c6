import { log } from '../../core/logger.ts';
import { DECODER_READ_CONTEXT } from '../../decoders/index.ts';
import { NormalizeError, normalizeAnyTransaction } from '../formats/index.ts';
import type { SourceItem, SourceStartOptions, TransactionSource } from '../types.ts';
import { readJsonRecords } from './records.ts';
import { ResumeFilter } from './resume.ts';
import { sleep } from '../backoff.ts';

export { readJsonRecords, scanJsonRecords } from './records.ts';
export { ResumeFilter } from './resume.ts';

export interface ReplayOptions {
  files: string[];
  /** `fast`: as fast as the consumer pulls; `recorded`: keep the gaps between block times. */
  pace?: 'fast' | 'recorded';
  /** With `recorded` pace: 2 = twice as fast as recorded. */
  speed?: number;
}

/** Longest raw text kept for a record that failed to normalize (the quarantine row). */
const MAX_RAW_CHARS = 1_000_000;

/**
 * The `replay` source: files of `getTransaction` results (JSON array, JSONL, a single object; optionally gzip),
 * streamed record by record in file order. A record that cannot be parsed or normalized is yielded as
 * `invalid` with its reason, so the pipeline quarantines it instead of losing it silently.
 */
export class ReplaySource implements TransactionSource {
  readonly name = 'replay';
  readonly atFullSpeed: boolean;

  constructor(private readonly options: ReplayOptions) {
    this.atFullSpeed = options.pace !== 'recorded';
  }

  async *stream(opts: SourceStartOptions): AsyncIterable<SourceItem> {
    const resume = new ResumeFilter(opts.checkpoint);
    const speed = this.options.speed ?? 1;
    const recorded = this.options.pace === 'recorded';
    let clock: { chainStart: number; wallStart: number } | null = null;
    for (const file of this.options.files) {
      let index = 0;
      for await (const text of readJsonRecords(file)) {
        if (opts.signal.aborted) return;
        index++;
        for (const item of toItems(text, `${file}#${index}`)) {
          if (item.kind === 'tx') {
            if (!resume.admit(item.tx.slot, item.tx.signature)) continue;
            const blockTime = item.tx.blockTime;
            if (recorded && blockTime !== null) {
              clock ??= { chainStart: blockTime, wallStart: Date.now() };
              const wait = clock.wallStart + ((blockTime - clock.chainStart) * 1000) / speed - Date.now();
              if (wait > 1) await sleep(wait, opts.signal);
              if (opts.signal.aborted) return;
            }
            item.receivedAtMs = Date.now();
          }
          yield item;
        }
      }
    }
  }
}

/** One record's text → items: a transaction, several (a JSON array inside a line), or an `invalid` one. */
function toItems(text: string, where: string): SourceItem[] {
  const invalid = (reason: string): SourceItem[] => {
    log().warn({ where, reason }, 'replay: record quarantined');
    return [{ kind: 'invalid', raw: text.length > MAX_RAW_CHARS ? text.slice(0, MAX_RAW_CHARS) : text, reason, receivedAtMs: Date.now() }];
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return invalid(`bad_json: ${(err as Error).message}`);
  }
  const values = Array.isArray(value) ? value : [value];
  const items: SourceItem[] = [];
  for (const v of values) {
    try {
      items.push({ kind: 'tx', tx: normalizeAnyTransaction(v, DECODER_READ_CONTEXT), receivedAtMs: 0 });
    } catch (err) {
      if (!(err instanceof NormalizeError)) throw err;
      items.push(...invalid(err.message).map((i) => (values.length > 1 && i.kind === 'invalid' ? { ...i, raw: JSON.stringify(v) } : i)));
    }
  }
  return items;
}

import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

/**
 * Streams the top-level records of a file of JSON values without holding the file in memory: a JSON array
 * (each element is a record), JSON Lines, one object, or concatenated objects — gzip-compressed or not
 * (detected by the magic bytes, not the name). Yields each record's text; parsing is the caller's job, so
 * one broken record does not stop the file. Text outside any object or array is yielded as-is so the
 * caller can report it. JSON Lines (`.jsonl`/`.ndjson`, or a first record on one line) are read line by
 * line: a corrupt line is one record, never the rest of the file.
 */
export async function* readJsonRecords(path: string): AsyncGenerator<string> {
  yield* scanJsonRecords(await openMaybeGzip(path), { lines: /\.(jsonl|ndjson)(\.gz)?$/i.test(path) || undefined });
}

export interface ScanOptions {
  /** Every line is one record (JSON Lines). Default: decided by the first record — on one line → JSON Lines. */
  lines?: boolean;
}

async function openMaybeGzip(path: string): Promise<Readable> {
  const head = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const probe = createReadStream(path, { start: 0, end: 1 });
    probe.on('data', (c) => chunks.push(c as Buffer));
    probe.on('end', () => resolve(Buffer.concat(chunks)));
    probe.on('error', reject);
  });
  const file = createReadStream(path);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    file.on('error', (err) => gunzip.destroy(err));
    return file.pipe(gunzip);
  }
  return file;
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff;

/** The scanner behind {@link readJsonRecords}, over any stream of text or bytes. */
export async function* scanJsonRecords(input: AsyncIterable<string | Buffer>, options: ScanOptions = {}): AsyncGenerator<string> {
  let arrayMode: boolean | null = null; // decided by the first non-blank character
  let lineMode: boolean | null = options.lines ?? null;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let pending = ''; // the record being collected, across chunks
  let stray = ''; // text outside any record
  const decoder = new TextDecoder('utf-8');
  const base = (): number => (arrayMode ? 1 : 0);

  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = depth > base() ? 0 : -1; // where the current record starts in this chunk
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a && lineMode && !arrayMode && depth > 0) {
        // An unbalanced line (a cut or corrupt record) ends here: the next line is a record again.
        yield (pending + text.slice(start, i)).trimEnd();
        pending = '';
        start = -1;
        depth = 0;
        inString = false;
        escaped = false;
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
        continue;
      }
      if (depth <= base()) {
        // Between records.
        if (isSpace(c) || c === COMMA) {
          if (stray && (c === 0x0a || c === COMMA)) {
            yield stray.trim();
            stray = '';
          } else if (stray) stray += text[i];
          continue;
        }
        if (arrayMode === null) {
          arrayMode = c === OPEN_BRACKET;
          if (arrayMode) {
            depth = 1;
            continue;
          }
        }
        if (arrayMode && c === CLOSE_BRACKET && depth === 1) {
          depth = 0;
          arrayMode = null; // another top-level value may follow
          continue;
        }
        if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
          stray += text[i];
          continue;
        }
        if (stray) {
          yield stray.trim();
          stray = '';
        }
        start = i;
      }
      if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--;
        if (depth === base()) {
          const record = pending + text.slice(start, i + 1);
          if (!arrayMode) lineMode ??= !record.includes('\n');
          yield record;
          pending = '';
          start = -1;
        }
      }
    }
    if (start >= 0) pending += text.slice(start);
  }
  if (pending || stray) yield pending + stray; // truncated file: the caller reports it as unparseable
}

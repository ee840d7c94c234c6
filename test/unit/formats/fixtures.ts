/**
 * Loads the real transactions in ../shared/fixtures (read in place) as {name, value} pairs ready for a
 * normalizer. Tests skip with a message when the folder is absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isObj } from '../../../src/sources/formats/shape.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SHARED = path.resolve(repoRoot, '../shared');
export const FIXTURES = path.join(SHARED, 'fixtures');
export const fixturesMissing = existsSync(FIXTURES) ? false : `shared fixtures not found at ${FIXTURES}`;

export interface FixtureTx {
  /** File (relative to fixtures/) plus a suffix when a file holds several transactions. */
  name: string;
  value: unknown;
}

/** Folders holding full transactions (RPC results or Yellowstone dumps). */
const FULL_TX_DIRS = ['pumpfun', 'raydium-launchlab'];

export function readFixture(rel: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES, rel), 'utf8'));
}

/** Every full transaction in the shared fixtures, one entry per transaction (both copies of 4HbY43S9). */
export function loadFullTransactions(): FixtureTx[] {
  const out: FixtureTx[] = [];
  for (const dir of FULL_TX_DIRS) {
    for (const file of readdirSync(path.join(FIXTURES, dir)).sort()) {
      if (!file.endsWith('.json')) continue;
      const rel = `${dir}/${file}`;
      const data = readFixture(rel);
      if (isObj(data) && 'base64_transaction_response' in data) {
        out.push({ name: `${rel}#base64`, value: data.base64_transaction_response });
        out.push({ name: `${rel}#jsonParsed`, value: data.json_parsed_transaction_response });
      } else if (Array.isArray(data)) {
        data.forEach((value, i) => out.push({ name: `${rel}[${i}]`, value }));
      } else {
        out.push({ name: rel, value: data });
      }
    }
  }
  return out;
}

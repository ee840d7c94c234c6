import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { NormalizeError } from '../../../src/sources/formats/index.ts';
import { base64Decode } from '../../../src/sources/formats/bytes.ts';

describe('strict base64 (wire transactions)', () => {
  it('decodes canonical text of every length', () => {
    for (let n = 0; n < 100; n++) {
      const b = randomBytes(n);
      assert.deepEqual(Buffer.from(base64Decode(b.toString('base64'))), b);
    }
  });

  it('rejects what the strict alphabet rejects, even where Buffer would decode something', () => {
    for (const bad of ['A', 'AA=', 'A===', 'AB=C', 'AA%%', 'a-b_', 'AA AA', 'AA==AAAA', '=AAA', 'AAA\nAAAA', 'AAAA====']) {
      assert.throws(() => base64Decode(bad), NormalizeError, JSON.stringify(bad));
    }
  });
});

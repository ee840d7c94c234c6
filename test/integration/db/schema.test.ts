import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { currentSchema, SNAPSHOT_TARGETS, SNAPSHOTS } from '../../schema/snapshot.ts';

for (const flavour of ['timescale', 'plain'] as const) {
  test(`schema snapshot (${flavour}) matches the migrations`, { skip: SNAPSHOT_TARGETS[flavour].skip }, async () => {
    const expected = await readFile(SNAPSHOTS[flavour], 'utf8');
    assert.equal(await currentSchema(flavour), expected, `schema changed: review it, then run \`npm run schema:snapshot\` and commit test/schema/${flavour}.sql`);
  });
}

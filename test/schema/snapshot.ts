/**
 * Writes the schema snapshots compared by test/integration/db/schema.test.ts:
 *   npm run schema:snapshot
 * timescale.sql from embedded PGlite + TimescaleDB, plain.sql from the local PostgreSQL server.
 */
import { writeFile } from 'node:fs/promises';
import { dumpSchema } from '../../src/db/schema-dump.ts';
import { DB_TARGETS, openTestDb } from '../helpers/db.ts';

export const SNAPSHOTS = { timescale: new URL('./timescale.sql', import.meta.url), plain: new URL('./plain.sql', import.meta.url) };

/** The target each flavour's snapshot is taken on. */
export const SNAPSHOT_TARGETS = { timescale: DB_TARGETS.find((t) => t.name === 'pglite')!, plain: DB_TARGETS.find((t) => t.name === 'postgres')! };

export async function currentSchema(flavour: keyof typeof SNAPSHOTS): Promise<string> {
  const db = await openTestDb(SNAPSHOT_TARGETS[flavour]);
  try {
    return await dumpSchema(db);
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const flavour of ['timescale', 'plain'] as const) {
    if (SNAPSHOT_TARGETS[flavour].skip) {
      process.stderr.write(`${flavour}: ${SNAPSHOT_TARGETS[flavour].skip}\n`);
      process.exitCode = 1;
      continue;
    }
    await writeFile(SNAPSHOTS[flavour], await currentSchema(flavour));
    process.stdout.write(`wrote test/schema/${flavour}.sql\n`);
  }
}

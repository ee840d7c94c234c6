import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A throwaway database on a server (benchmarks, load test, tests): created empty, removed by `drop`. */
export interface ScratchDatabase {
  name: string;
  url: string;
  /** DROP DATABASE; `force` (default) terminates sessions still connected to it. */
  drop(force?: boolean): Promise<void>;
}

/** Creates `<prefix>_<time>_<random>` on the server behind `adminUrl` (a role allowed to CREATE DATABASE). */
export async function createScratchDatabase(adminUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: (force = true) => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name}${force ? ' WITH (FORCE)' : ''}`),
  };
}

/** One statement on its own short-lived connection (CREATE/DROP DATABASE cannot run inside a pool's transaction). */
async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DB_TARGETS, openTestDb, type TestDb } from '../../helpers/db.ts';
import { startApi, type ApiHarness } from '../api/harness.ts';
import type { SyntheticMarket } from '../api/market.ts';

/** Debian's Chromium, driven by playwright-core (which never downloads a browser of its own). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Screenshots land here (gitignored), kept as test output. */
export const ARTIFACTS = path.join(repoRoot, 'test-artifacts');

/** Why browser tests skip, or undefined when Chromium is there. */
export const chromiumMissing: string | undefined = existsSync(CHROMIUM)
  ? undefined
  : `Chromium not found at ${CHROMIUM} (apt-get install -y chromium); browser tests skipped`;

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * A headless Chromium with a fresh profile and the flags this closed network needs (no background
 * networking, no component updates: otherwise it keeps dialing out and getting refused).
 */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const profile = mkdtempSync(path.join(os.tmpdir(), 'megatron-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A browser test suite's world, set up in `before` and torn down in `after` of the calling `describe`: the
 * embedded database holding `market`, the API on a free port, and Chromium. `open(hash)` opens a page and
 * records its errors in `pageErrors`; `waitLive` also waits until its live feed is connected.
 */
export function dashboardSession(market: () => SyntheticMarket) {
  const session = {
    db: undefined as unknown as TestDb,
    api: undefined as unknown as ApiHarness,
    base: '',
    pageErrors: [] as string[],
    browser: undefined as Browser | undefined,
    async open(hash: string, opts: { waitLive?: boolean } = {}): Promise<Page> {
      const page = await session.browser!.context.newPage();
      page.on('pageerror', (err) => session.pageErrors.push(`${hash}: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') session.pageErrors.push(`${hash}: ${msg.text()}`);
      });
      await page.goto(`${session.base}/${hash}`);
      if (opts.waitLive) await page.locator('#live.live').waitFor();
      return page;
    },
  };
  before(async () => {
    session.db = await openTestDb(DB_TARGETS.find((t) => t.name === 'pglite')!);
    session.api = await startApi(session.db, { market: market() });
    await session.api.app.listen({ host: '127.0.0.1', port: 0 });
    session.base = `http://127.0.0.1:${(session.api.app.server.address() as AddressInfo).port}`;
    session.browser = await launchChromium();
  });
  after(async () => {
    await session.browser?.close();
    await session.api?.close();
    await session.db?.close();
  });
  return session;
}

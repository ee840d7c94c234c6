import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { Redis } from 'ioredis';

/** Real Redis for tests: TEST_REDIS_URL or the local one. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix unique to this test file's run; its keys are removed after the file's tests. */
export function redisTestPrefix(): string {
  const prefix = `megatron-test:${randomBytes(6).toString('hex')}:`;
  after(async () => {
    const raw = new Redis(TEST_REDIS_URL);
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) await raw.del(...keys);
    await raw.quit();
  });
  return prefix;
}

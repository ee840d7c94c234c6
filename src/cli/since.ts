import { UsageError } from '../core/errors.ts';

const UNITS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** `--since`: an age back from now (`90m`, `6h`, `2d`), unix seconds, or an ISO time. */
export function parseSince(value: string, nowMs = Date.now()): Date {
  const age = /^(\d+)([smhd])$/.exec(value);
  if (age) return new Date(nowMs - Number(age[1]) * UNITS[age[2] as keyof typeof UNITS] * 1000);
  // Before Date.parse, which would read some digit strings ("2024") as years.
  if (/^\d+$/.test(value)) return new Date(Number(value) * 1000);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`--since must be unix seconds, an ISO time or an age like 90m, 6h, 2d; got ${JSON.stringify(value)}`);
  return new Date(ms);
}

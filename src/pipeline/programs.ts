import type { Platform } from '../core/events.ts';
import { LAUNCHLAB_PROGRAM_ID, PUMPFUN_PROGRAM_ID } from '../decoders/index.ts';
import type { SourceItem, SourceStartOptions, TransactionSource } from '../sources/types.ts';

/** Program id of each launchpad, by the name the CLI uses. */
export const PROGRAM_IDS: Record<Platform, string> = { pumpfun: PUMPFUN_PROGRAM_ID, launchlab: LAUNCHLAB_PROGRAM_ID };

/** `pumpfun` | `launchlab` | a program id → the program id; throws on anything else. */
export function programIdOf(nameOrId: string): string {
  if (nameOrId in PROGRAM_IDS) return PROGRAM_IDS[nameOrId as Platform];
  if (Object.values(PROGRAM_IDS).includes(nameOrId)) return nameOrId;
  throw new Error(`unknown program ${JSON.stringify(nameOrId)}: expected pumpfun, launchlab or one of their program ids`);
}

/**
 * Only the transactions that mention `programId` (for a source that cannot filter itself, such as the
 * simulator), under the checkpoint key `name`. Gaps and unreadable records pass through: they may
 * concern the program.
 */
export function onlyProgram(source: TransactionSource, programId: string, name: string): TransactionSource {
  return {
    name,
    atFullSpeed: source.atFullSpeed,
    async *stream(opts: SourceStartOptions): AsyncIterable<SourceItem> {
      for await (const item of source.stream(opts)) {
        if (item.kind !== 'tx' || item.tx.accountKeys.includes(programId)) yield item;
      }
    },
  };
}

import type { Capabilities } from './types.ts';

/** Room for the statement's other protocol messages (Parse, Describe, Execute, Sync) and framing. */
const MESSAGE_HEADROOM_BYTES = 4096;
/** Where the peer has no limit, batches still go in chunks of this size (bounded memory per statement). */
const DEFAULT_JSON_PARAM_BYTES = 8 * 1024 * 1024;

/** How many bytes of JSON one parameter of `sql` may carry on this peer. */
export function jsonParamBudget(capabilities: Capabilities, sql: string): number {
  if (capabilities.maxMessageBytes === null) return DEFAULT_JSON_PARAM_BYTES;
  return capabilities.maxMessageBytes - MESSAGE_HEADROOM_BYTES - Buffer.byteLength(sql);
}

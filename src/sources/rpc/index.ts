/** The `rpc` source (logsSubscribe + getTransaction + getSignaturesForAddress backfill), its HTTP client, and RPC gap backfill for other sources. */
export { createRpcSource, RpcSource, type RpcSourceOptions, type Commitment } from './source.ts';
export { JsonRpcHttpClient, JsonRpcError, type JsonRpcHttpOptions } from './http.ts';
export { fetchedItem, notReturnedItem, openRpcHistory, RpcHistory, RPC_READER_DEFAULTS, type RpcReaderSettings, type SignatureInfo, type Unreadable } from './history.ts';
export { withRpcGapBackfill, RpcGapBackfill, type RpcGapBackfillOptions } from './gaps.ts';

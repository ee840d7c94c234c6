/** The `rpc` source (logsSubscribe + getTransaction + getSignaturesForAddress backfill) and its HTTP client. */
export { createRpcSource, RpcSource, type RpcSourceOptions, type Commitment } from './source.ts';
export { JsonRpcHttpClient, JsonRpcError, type JsonRpcHttpOptions } from './http.ts';

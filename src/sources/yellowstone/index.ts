/** The `yellowstone` source: Geyser gRPC through the official client, with resume and backpressure. */
export { createYellowstoneSource, YellowstoneSource, type YellowstoneSourceOptions, type YellowstoneCommitment } from './source.ts';

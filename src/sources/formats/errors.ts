/** Input that no normalizer can turn into a {@link RawTx}: unknown shape, broken encoding, inconsistent indices. */
export class NormalizeError extends Error {
  override name = 'NormalizeError';
  /** Short machine-friendly reason (e.g. `unknown_format`, `bad_base64`, `index_out_of_range`). */
  readonly reason: string;
  constructor(reason: string, detail?: string) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.reason = reason;
  }
}

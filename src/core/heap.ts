import v8 from 'node:v8';

/**
 * Garbage-collector setting for an ingesting process. Its live set is bounded (two batches, the decoder
 * thread's window, caches), but it allocates fast, and V8's default heap growth (up to 4× the live size
 * after a full collection) let collectable garbage dominate RSS: a full-speed run peaked at ≈ 320–390 MB
 * RSS with ≈ 50 MB live. Growing the old space to 1.25× live before the next full collection keeps it
 * near 250 MB at the price of more GC work (≈ 20 % more CPU per trade, docs/pipeline.md). A growth factor,
 * not a limit: nothing fails when the live set does grow.
 */
const INGEST_V8_FLAGS = ['--heap-growing-percent=25'] as const;

/** Applies {@link INGEST_V8_FLAGS} to this process (V8 reads them at each collection; threads share them). */
export function tuneHeapForIngestion(): void {
  for (const flag of INGEST_V8_FLAGS) v8.setFlagsFromString(flag);
}

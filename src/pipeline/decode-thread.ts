/**
 * A CPU-bound source (the simulator) and the decoder stage in a worker thread, so the writer's thread only
 * commits: generating and decoding a transaction costs more CPU than storing its rows (docs/pipeline.md).
 *
 * Only compact decoded items cross the thread boundary (events, holder balances, position: no raw
 * transactions), in chunks. Backpressure is by credit: the worker may have at most `window` chunks
 * outstanding and gets a credit back when the pipeline takes a chunk, so when the pipeline stops pulling
 * (database stalled) the worker stops pulling from its source; memory stays bounded by
 * `(window + 2) × chunkItems` decoded items.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { errorMessage } from '../core/errors.ts';
import { isPaced, SimulateSource, type SimulateOptions } from '../sources/simulate/index.ts';
import type { Checkpoint, SourceStartOptions, TransactionSource } from '../sources/types.ts';
import { DecodeCounts, decodeItem, type DecodedSource, type PipelineItem } from './decode.ts';
import { onlyProgram } from './programs.ts';

/** What the worker builds its source from (structured-cloneable: the source itself lives in the worker). */
export interface ThreadSourceSpec {
  kind: 'simulate';
  options: SimulateOptions;
  /** Keep only the transactions of this program, under this source name. */
  program?: { id: string; name: string };
}

export interface DecodeThreadOptions {
  /** Decoded items per message (default 128). */
  chunkItems?: number;
  /** Chunks the worker may have outstanding (default 8). */
  window?: number;
  /** A partial chunk is sent this long after its first item when the source pauses (paced sources; default 2 ms). */
  flushMs?: number;
}

interface WorkerInit {
  spec: ThreadSourceSpec;
  checkpoint: Checkpoint | null;
  chunkItems: number;
  window: number;
  flushMs: number;
}

type ToMain = { type: 'chunk'; items: PipelineItem[]; counts: Record<string, number> } | { type: 'end' } | { type: 'error'; message: string };
type ToWorker = { type: 'credit' } | { type: 'stop' };

const WORKER_KEY = 'megatronDecodeThread';

function buildSource(spec: ThreadSourceSpec): TransactionSource {
  const source = new SimulateSource(spec.options);
  return spec.program ? onlyProgram(source, spec.program.id, spec.program.name) : source;
}

/** The source of `spec` running and decoded in a worker thread, as a {@link DecodedSource} for the pipeline. */
export class ThreadedSource implements DecodedSource {
  readonly name: string;
  readonly atFullSpeed: boolean;
  /** Decoded items received from the worker so far, delivered or still queued (bounded by the credit window). */
  received = 0;

  constructor(
    private readonly spec: ThreadSourceSpec,
    private readonly opts: DecodeThreadOptions = {},
  ) {
    this.name = spec.program?.name ?? 'simulate';
    this.atFullSpeed = !isPaced(spec.options.rate);
  }

  async *decoded({ checkpoint, signal }: SourceStartOptions): AsyncIterable<PipelineItem> {
    const init: WorkerInit = { spec: this.spec, checkpoint, chunkItems: this.opts.chunkItems ?? 128, window: this.opts.window ?? 8, flushMs: this.opts.flushMs ?? 2 };
    const worker = startWorker(init);
    const chunks: PipelineItem[][] = [];
    const counts = new DecodeCounts();
    let ended = false;
    let failure: Error | null = null;
    let wake: (() => void) | null = null;
    const notify = (): void => {
      wake?.();
      wake = null;
    };
    worker.on('message', (m: ToMain) => {
      if (m.type === 'chunk') {
        chunks.push(m.items);
        this.received += m.items.length;
        counts.counts = m.counts;
        counts.flush();
      } else if (m.type === 'end') ended = true;
      else failure = new Error(`decoder thread: ${m.message}`);
      notify();
    });
    worker.on('error', (err) => {
      failure = err;
      notify();
    });
    worker.on('exit', (code) => {
      if (!ended) failure ??= new Error(`decoder thread exited (code ${code}) before its source ended`);
      notify();
    });
    const stop = (): void => worker.postMessage({ type: 'stop' } satisfies ToWorker);
    signal.addEventListener('abort', stop, { once: true });
    try {
      for (;;) {
        while (chunks.length === 0 && !ended && failure === null) await new Promise<void>((r) => (wake = r));
        if (failure !== null) throw failure;
        const chunk = chunks.shift();
        if (chunk === undefined) return; // ended, everything delivered
        worker.postMessage({ type: 'credit' } satisfies ToWorker);
        yield* chunk;
      }
    } finally {
      signal.removeEventListener('abort', stop);
      await worker.terminate();
    }
  }
}

function startWorker(init: WorkerInit): Worker {
  // A worker does not inherit the main thread's tsx loader (Node 20): register it before loading this file.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  return new Worker(boot, { eval: true, workerData: { [WORKER_KEY]: init } });
}

/** The worker side: pull, decode, send chunks while credit lasts. */
async function runDecodeThread(init: WorkerInit): Promise<void> {
  const port = parentPort!;
  const abort = new AbortController();
  let credits = init.window;
  let wake: (() => void) | null = null;
  let chunk: PipelineItem[] = [];
  const counts = new DecodeCounts();
  let timer: NodeJS.Timeout | null = null;
  /** A partial chunk's flush time came while there was no credit: send it with the next credit. */
  let due = false;

  const send = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    due = false;
    if (chunk.length === 0) return;
    credits--;
    port.postMessage({ type: 'chunk', items: chunk, counts: counts.counts } satisfies ToMain);
    chunk = [];
    counts.counts = {};
  };
  port.on('message', (m: ToWorker) => {
    if (m.type === 'stop') abort.abort();
    else {
      credits++;
      if (due) send();
    }
    wake?.();
    wake = null;
  });
  const credit = async (): Promise<void> => {
    while (credits <= 0 && !abort.signal.aborted) await new Promise<void>((r) => (wake = r));
  };

  try {
    for await (const item of buildSource(init.spec).stream({ checkpoint: init.checkpoint, signal: abort.signal })) {
      chunk.push(decodeItem(item, counts));
      if (chunk.length >= init.chunkItems) {
        await credit();
        if (abort.signal.aborted) break;
        send();
      } else if (timer === null) {
        // A paced source: do not hold its first item back until the chunk fills.
        timer = setTimeout(() => {
          timer = null;
          if (credits > 0) send();
          else due = true;
        }, init.flushMs);
      }
    }
    if (!abort.signal.aborted) {
      await credit();
      send();
    }
    port.postMessage({ type: 'end' } satisfies ToMain);
  } catch (err) {
    port.postMessage({ type: 'error', message: errorMessage(err) } satisfies ToMain);
  } finally {
    // The port stays open until the main thread terminates the worker: closing it could drop the last chunk.
    if (timer !== null) clearTimeout(timer);
  }
}

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[WORKER_KEY]) await runDecodeThread((workerData as Record<string, WorkerInit>)[WORKER_KEY]!);

/**
 * The hand-off between a push transport (WebSocket, gRPC stream) and the pull-based consumer. It holds at
 * most `capacity` items: producers either await space ({@link BoundedQueue.put}) or check
 * {@link BoundedQueue.isFull} and pause their transport, so a slow database stops the reading instead of
 * growing memory.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;
  private closed = false;
  private failure: unknown = undefined;
  private takers: Array<() => void> = [];
  private spaceWaiters: Array<() => void> = [];
  /** Largest size ever reached: what tests and metrics check against the capacity. */
  highWater = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.items.length - this.head;
  }

  get isFull(): boolean {
    return this.size >= this.capacity;
  }

  /** Adds without waiting; the caller is responsible for pausing its transport once {@link isFull}. */
  push(item: T): void {
    if (this.closed) return;
    this.items.push(item);
    this.highWater = Math.max(this.highWater, this.size);
    this.wake(this.takers);
  }

  /** Waits for space, then adds. Resolves without adding when the queue is closed or `signal` aborts. */
  async put(item: T, signal?: AbortSignal): Promise<void> {
    while (this.isFull && !this.closed && !signal?.aborted) await this.waitOn(this.spaceWaiters, signal);
    if (!signal?.aborted) this.push(item);
  }

  /** Resolves once there is space again (immediately if there is). */
  async whenSpace(signal?: AbortSignal): Promise<void> {
    while (this.isFull && !this.closed && !signal?.aborted) await this.waitOn(this.spaceWaiters, signal);
  }

  /** Next item; `undefined` once closed and drained. Rethrows the error the queue was closed with. */
  async take(signal?: AbortSignal): Promise<T | undefined> {
    while (this.size === 0) {
      if (this.closed) {
        if (this.failure !== undefined) throw this.failure;
        return undefined;
      }
      if (signal?.aborted) return undefined;
      await this.waitOn(this.takers, signal);
    }
    const item = this.items[this.head]!;
    this.items[this.head] = undefined as T;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (!this.isFull) this.wake(this.spaceWaiters);
    return item;
  }

  /** Drops everything queued (used when a connection's partial work is discarded). */
  clear(): void {
    this.items = [];
    this.head = 0;
    this.wake(this.spaceWaiters);
  }

  /** No more items: takers drain what is queued, then get `undefined` (or `error`, thrown). */
  close(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.failure = error;
    this.wake(this.takers);
    this.wake(this.spaceWaiters);
  }

  private waitOn(list: Array<() => void>, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      list.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private wake(list: Array<() => void>): void {
    const waiting = list.splice(0);
    for (const w of waiting) w();
  }
}

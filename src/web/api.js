/* global fetch, EventSource, setTimeout, clearTimeout */
/** Thin client for the Megatron API and its live feed. */

export async function api(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.message || `${res.status} ${res.statusText}`);
  return body;
}

/**
 * One EventSource for the whole page; views subscribe to kinds and unsubscribe when they unmount.
 * The browser reconnects by itself; the status badge follows the connection.
 */
export function createFeed(onStatus) {
  const listeners = new Set();
  const source = new EventSource('/stream');
  source.onopen = () => onStatus('live');
  source.onerror = () => onStatus(source.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting');
  for (const kind of ['launch', 'trade', 'graduation']) {
    source.addEventListener(kind, (ev) => {
      const msg = JSON.parse(ev.data);
      for (const l of listeners) l(msg);
    });
  }
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * `fn` at most once per `ms`: the first call schedules it `ms` later and the calls until then join that run
 * (a burst of trades costs one request). `cancel()` drops a pending run.
 */
export function throttle(fn, ms) {
  let timer = null;
  const run = () => {
    timer ??= setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
  run.cancel = () => clearTimeout(timer);
  return run;
}

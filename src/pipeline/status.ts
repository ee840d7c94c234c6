import { reconnects } from '../core/metrics.ts';

/** Running totals of one pipeline, read by the status line, tests and the benchmark. */
export interface PipelineStats {
  batches: number;
  txs: number;
  tradesStored: number;
  eventsStored: number;
  quarantined: number;
  /** Transactions stored with a self-check disagreement recorded (decode_flags). */
  flagged: number;
  gaps: number;
  /** Retryable database failures waited out. */
  retries: number;
  /** Newest slot the source delivered, and the newest one committed. */
  newestSlotSeen: number | null;
  lastCommittedSlot: number | null;
  /** Block time (unix s) of the newest committed transaction. */
  lastBlockTime: number | null;
  /** Arrival→commit of the oldest transaction of the last batch (ms). */
  lastCommitLagMs: number | null;
}

export const emptyStats = (): PipelineStats => ({
  batches: 0,
  txs: 0,
  tradesStored: 0,
  eventsStored: 0,
  quarantined: 0,
  flagged: 0,
  gaps: 0,
  retries: 0,
  newestSlotSeen: null,
  lastCommittedSlot: null,
  lastBlockTime: null,
  lastCommitLagMs: null,
});

/** Reconnects of every source in this process, from the shared metric (sources count them there). */
export async function reconnectCount(): Promise<number> {
  return (await reconnects.get()).values.reduce((sum, v) => sum + v.value, 0);
}

export interface StatusLine {
  /** Trades stored per second since the previous line. */
  savedPerSecond: number;
  trades: number;
  /** Newest committed slot. */
  slot: number | null;
  lagSlots: number | null;
  commitLagMs: number | null;
  /** Now minus the newest committed block time (s); large for replays and simulations of the past. */
  chainLagS: number | null;
  quarantined: number;
  flagged: number;
  reconnects: number;
  gaps: number;
  retries: number;
}

/**
 * One status line per interval, like the seed's monitors printed: trades saved per second, lag (slots
 * behind the source, arrival→commit ms, chain time), quarantined, reconnects, gaps.
 */
export function startStatusLine(source: string, stats: PipelineStats, emit: (line: StatusLine, text: string) => void, intervalMs = 1000): () => void {
  let previous = { trades: stats.tradesStored, at: Date.now() };
  const timer = setInterval(() => {
    void reconnectCount().then((rc) => {
      const now = Date.now();
      const line: StatusLine = {
        savedPerSecond: Math.round(((stats.tradesStored - previous.trades) * 1000) / Math.max(1, now - previous.at)),
        trades: stats.tradesStored,
        slot: stats.lastCommittedSlot,
        lagSlots: stats.newestSlotSeen !== null && stats.lastCommittedSlot !== null ? Math.max(0, stats.newestSlotSeen - stats.lastCommittedSlot) : null,
        commitLagMs: stats.lastCommitLagMs,
        chainLagS: stats.lastBlockTime === null ? null : Math.round(now / 1000 - stats.lastBlockTime),
        quarantined: stats.quarantined,
        flagged: stats.flagged,
        reconnects: rc,
        gaps: stats.gaps,
        retries: stats.retries,
      };
      previous = { trades: stats.tradesStored, at: now };
      emit(line, formatStatus(source, line));
    });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

const show = (v: number | null, unit: string): string => (v === null ? '–' : `${v.toLocaleString('en-US')}${unit}`);

export function formatStatus(source: string, s: StatusLine): string {
  return (
    `[${source}] saved ${show(s.savedPerSecond, '/s')} · trades ${show(s.trades, '')} · lag ${show(s.lagSlots, ' slots')}, ` +
    `${show(s.commitLagMs, ' ms')} arrival→commit, chain ${show(s.chainLagS, ' s')} · quarantined ${s.quarantined}${s.flagged > 0 ? ` · flagged ${s.flagged}` : ''} · ` +
    `reconnects ${s.reconnects} · gaps ${s.gaps}${s.retries > 0 ? ` · db retries ${s.retries}` : ''}`
  );
}

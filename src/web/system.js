/* global fetch, setInterval, clearInterval */
import { api } from './api.js';
import { escapeHtml, fmtAge, fmtCompact } from './format.js';

const card = (label, value, cls = '') => `<div class="card ${cls}"><label>${escapeHtml(label)}</label><b class="num">${value}</b></div>`;

function lagClass(lag) {
  if (lag === null) return '';
  return lag > 30 ? 'bad' : lag > 5 ? 'warn' : 'good';
}

/** System page: ingest rate, lag, quarantine, cache, feed, checkpoints and scheduled jobs; refreshed every 2 s. */
export function renderSystem(root) {
  root.innerHTML = `<section class="panel"><h2>System</h2><div id="sys"><span class="muted">loading…</span></div></section>`;
  const el = root.querySelector('#sys');

  async function load() {
    try {
      const [s, ready] = await Promise.all([api('/stats'), fetch('/ready').then((r) => r.json())]);
      const hits = s.cache.hits + s.cache.misses;
      el.innerHTML = `
        <div class="cards">
          ${card('Ingest', `${s.ingest.trades_per_s.toFixed(1)} trades/s`)}
          ${card('Lag', s.ingest.lag_seconds === null ? '—' : `${s.ingest.lag_seconds.toFixed(1)} s`, lagClass(s.ingest.lag_seconds))}
          ${card('Ready', ready.ready ? 'yes' : escapeHtml(ready.reason ?? 'no'), ready.ready ? 'good' : 'bad')}
          ${card('Quarantine', s.quarantine_rows.toLocaleString('en-US'), s.quarantine_rows > 0 ? 'warn' : '')}
          ${card('Trades 1h', s.trades.last_1h.toLocaleString('en-US'))}
          ${card('Trades 24h', s.trades.last_24h.toLocaleString('en-US'))}
          ${card('Tokens', `${s.tokens.total.toLocaleString('en-US')} <span class="muted small">(${s.tokens.last_1h} in 1h)</span>`)}
          ${card('Graduated', s.tokens.graduated.toLocaleString('en-US'))}
          ${card('Volume 24h', `${fmtCompact(s.volume_24h_sol)} SOL`)}
          ${card('Cache', hits ? `${((100 * s.cache.hits) / hits).toFixed(1)}% hit` : '—', '')}
          ${card('Cache store', escapeHtml(s.cache.mode))}
          ${card('Live feed', `${escapeHtml(s.feed.mode)} · ${s.feed.subscribers} clients`)}
        </div>
        <div class="grid-3">
          <div><h3>By platform</h3><table class="data compact"><thead><tr><th>Platform</th><th class="num">Tokens</th><th class="num">Trades 24h</th></tr></thead><tbody>
            ${s.by_platform.map((p) => `<tr><td>${escapeHtml(p.platform)}</td><td class="num">${p.tokens.toLocaleString('en-US')}</td><td class="num">${p.trades_24h.toLocaleString('en-US')}</td></tr>`).join('')}
          </tbody></table></div>
          <div><h3>Checkpoints</h3><table class="data compact"><thead><tr><th>Source</th><th class="num">Slot</th><th class="num">Updated</th></tr></thead><tbody>
            ${s.ingest.checkpoints.map((c) => `<tr><td>${escapeHtml(c.source)}</td><td class="num">${c.slot ?? '—'}</td><td class="num">${fmtAge(c.updated_at)} ago</td></tr>`).join('') || '<tr><td colspan="3" class="muted">none</td></tr>'}
          </tbody></table></div>
          <div><h3>Jobs</h3><table class="data compact" id="jobs"><thead><tr><th>Job</th><th class="num">Last run</th><th class="num">Duration</th><th>Status</th></tr></thead><tbody>
            ${s.jobs.map((j) => `<tr><td>${escapeHtml(j.name)}</td><td class="num">${j.last_run ? `${fmtAge(j.last_run)} ago` : '—'}</td><td class="num">${j.duration_ms === null ? '—' : `${j.duration_ms} ms`}</td><td class="${j.error ? 'error' : 'up-text'}">${j.error ? escapeHtml(j.error) : 'ok'}</td></tr>`).join('') || '<tr><td colspan="4" class="muted">no runs yet</td></tr>'}
          </tbody></table></div>
        </div>`;
    } catch (err) {
      el.innerHTML = `<span class="error">${escapeHtml(err.message)}</span>`;
    }
  }
  void load();
  const timer = setInterval(load, 2000);
  return () => clearInterval(timer);
}

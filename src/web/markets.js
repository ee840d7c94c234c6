/* global URLSearchParams, setInterval, clearInterval */
import { api, throttle } from './api.js';
import { escapeHtml, fmtAge, fmtCompact, fmtPrice, shortAddr } from './format.js';

const PLATFORM = { pumpfun: 'pump.fun', launchlab: 'LaunchLab' };

const VENUE = { pumpswap: 'PumpSwap', raydium_cpmm: 'Raydium CPMM', raydium_amm_v4: 'Raydium AMM' };

const platformBadge = (p) => `<span class="badge ${escapeHtml(p)}">${escapeHtml(PLATFORM[p] ?? p)}</span>`;
/** Where a graduated token trades now (nothing while it is on its curve). */
const venueBadge = (v) => (v && v !== 'curve' ? ` <span class="badge venue" title="trades on ${escapeHtml(VENUE[v] ?? v)}">${escapeHtml(VENUE[v] ?? v)}</span>` : '');
const tokenCell = (t) =>
  `<a class="tok" href="#/token/${escapeHtml(t.mint)}"><b>${escapeHtml(t.symbol || '???')}</b><span class="muted">${escapeHtml(t.name || shortAddr(t.mint))}</span></a>`;
const progressBar = (pct) => {
  if (pct === null || pct === undefined) return '<span class="muted">—</span>';
  const n = Math.max(0, Math.min(100, Number(pct)));
  return `<span class="progress" title="${n.toFixed(2)}%"><i style="width:${n}%"></i></span><span class="num small">${n.toFixed(1)}%</span>`;
};

function tokenRow(t, rank) {
  return `<tr data-mint="${escapeHtml(t.mint)}">
    ${rank !== undefined ? `<td class="num muted">${rank}</td>` : ''}
    <td>${tokenCell(t)}</td>
    <td>${platformBadge(t.platform)}${t.graduated ? ' <span class="badge grad">graduated</span>' : ''}${venueBadge(t.venue)}</td>
    <td class="num price">${fmtPrice(t.price_sol)}</td>
    <td class="num">${fmtCompact(t.volume_24h_sol)}</td>
    <td class="num">${t.trades_24h.toLocaleString('en-US')}</td>
    <td class="prog">${progressBar(t.progress_pct)}</td>
    <td class="num score">${t.score ?? '—'}</td>
    <td class="num muted">${fmtAge(t.created_at)}</td>
  </tr>`;
}

const HEAD = (rank) => `<tr>${rank ? '<th class="num">#</th>' : ''}<th>Token</th><th>Platform</th><th class="num">Price (SOL)</th>
  <th class="num">Vol 24h</th><th class="num">Trades 24h</th><th>Curve</th><th class="num">Score</th><th class="num">Age</th></tr>`;

function launchItem(l, cls = '') {
  return `<li class="${cls}" data-mint="${escapeHtml(l.mint)}"><a href="#/token/${escapeHtml(l.mint)}"><b>${escapeHtml(l.symbol || '???')}</b> <span class="muted">${escapeHtml(l.name || '')}</span></a>
    ${platformBadge(l.platform)} <span class="muted small">${escapeHtml(shortAddr(l.mint))}</span><span class="age" data-time="${escapeHtml(l.created_at)}">${fmtAge(l.created_at)}</span></li>`;
}

/** A strip of tab buttons carrying `data-<key>`: a click marks its button active and passes the value on. */
function onTab(strip, key, pick) {
  strip.addEventListener('click', (ev) => {
    const b = ev.target.closest(`button[data-${key}]`);
    if (!b) return;
    for (const x of strip.querySelectorAll('button')) x.classList.toggle('active', x === b);
    pick(b.dataset[key]);
  });
}

/** Markets: live hot tokens, new launches feed, and the full token list with sort, filter and cursor paging. */
export function renderMarkets(root, feed) {
  root.innerHTML = `
    <section class="grid-2">
      <div class="panel">
        <div class="panel-head"><h2>Hot tokens <span class="muted small">live</span></h2>
          <div class="tabs" id="hot-rank"><button data-rank="score" class="active">Score</button><button data-rank="trending">Trending</button></div></div>
        <table class="data" id="hot"><thead>${HEAD(true)}</thead><tbody><tr><td colspan="9" class="muted">loading…</td></tr></tbody></table>
      </div>
      <div class="panel">
        <h2>New launches <span class="muted small">live</span></h2>
        <ul class="feed" id="launches"></ul>
      </div>
    </section>
    <section class="panel">
      <div class="panel-head">
        <h2>All tokens</h2>
        <div class="tabs" id="sort">
          <button data-sort="created" class="active">New</button><button data-sort="volume">Volume</button>
          <button data-sort="score">Score</button><button data-sort="progress">Curve</button>
        </div>
        <select id="platform"><option value="">All platforms</option><option value="pumpfun">pump.fun</option><option value="launchlab">LaunchLab</option></select>
      </div>
      <table class="data" id="all"><thead>${HEAD(false)}</thead><tbody></tbody></table>
      <button id="more" class="more" hidden>Load more</button>
    </section>`;

  const hotBody = root.querySelector('#hot tbody');
  const launches = root.querySelector('#launches');
  const allBody = root.querySelector('#all tbody');
  const more = root.querySelector('#more');
  let sort = 'created';
  let platform = '';
  let cursor = null;
  let rank = 'score';
  let hotSeq = 0;

  async function loadHot() {
    const seq = ++hotSeq; // a slower answer to an earlier request (another rank) must not overwrite a newer one
    let html;
    try {
      const { data } = await api(`/tokens/hot?limit=15&rank=${rank}`);
      html = data.length ? data.map((t, i) => tokenRow(t, i + 1)).join('') : '<tr><td colspan="9" class="muted">no scored tokens yet</td></tr>';
    } catch (err) {
      html = `<tr><td colspan="9" class="error">${escapeHtml(err.message)}</td></tr>`;
    }
    if (seq === hotSeq) hotBody.innerHTML = html;
  }
  /** Trades move the hot set: re-read it at most every 2 s while they arrive. */
  const refreshHot = throttle(loadHot, 2000);
  async function loadLaunches() {
    const { data } = await api('/tokens?sort=created&limit=25');
    launches.innerHTML = data.map(launchItem).join('');
  }
  async function loadAll(append) {
    const qs = new URLSearchParams({ sort, limit: '50' });
    if (platform) qs.set('platform', platform);
    if (append && cursor) qs.set('cursor', cursor);
    const page = await api(`/tokens?${qs}`);
    const rows = page.data.map((t) => tokenRow(t)).join('');
    allBody.innerHTML = append ? allBody.innerHTML + rows : rows || '<tr><td colspan="8" class="muted">no tokens</td></tr>';
    cursor = page.next_cursor;
    more.hidden = !cursor;
  }

  onTab(root.querySelector('#hot-rank'), 'rank', (r) => {
    rank = r;
    void loadHot();
  });
  onTab(root.querySelector('#sort'), 'sort', (s) => {
    sort = s;
    void loadAll(false);
  });
  root.querySelector('#platform').addEventListener('change', (ev) => {
    platform = ev.target.value;
    void loadAll(false);
  });
  more.addEventListener('click', () => void loadAll(true));

  // Live: trades move the price cells of listed tokens (and the hot set, throttled); launches are prepended to the feed.
  const off = feed.subscribe((m) => {
    if (m.kind === 'trade') {
      refreshHot();
      for (const row of root.querySelectorAll(`tr[data-mint="${m.mint}"]`)) {
        const cell = row.querySelector('.price');
        cell.textContent = fmtPrice(m.priceSol);
        cell.classList.remove('up', 'down');
        void cell.offsetWidth; // restart the flash animation
        cell.classList.add(m.side === 'buy' ? 'up' : 'down');
        if (m.progressPct !== null) row.querySelector('.prog').innerHTML = progressBar(m.progressPct);
      }
    } else if (m.kind === 'launch' && !launches.querySelector(`li[data-mint="${m.mint}"]`)) {
      const created = m.blockTime ? new Date(m.blockTime * 1000).toISOString() : new Date().toISOString();
      launches.insertAdjacentHTML('afterbegin', launchItem({ ...m, created_at: created }, 'new'));
      while (launches.children.length > 40) launches.lastElementChild.remove();
    }
  });
  const ages = setInterval(() => {
    for (const el of launches.querySelectorAll('.age')) el.textContent = fmtAge(el.dataset.time);
  }, 1000);
  const hotTimer = setInterval(loadHot, 30_000); // scoring runs reorder the hot set of a quiet market too

  void loadHot();
  void loadLaunches();
  void loadAll(false);
  return () => {
    off();
    clearInterval(ages);
    clearInterval(hotTimer);
    refreshHot.cancel();
  };
}

export { onTab, platformBadge, progressBar, venueBadge, VENUE };

/* global setInterval, clearInterval */
import { CandlestickSeries, HistogramSeries, createChart, createSeriesMarkers } from '/vendor/lightweight-charts.mjs';
import { api, throttle } from './api.js';
import { escapeHtml, fmtAge, fmtCompact, fmtPct, fmtPrice, fmtSigned, fromBaseUnits, shortAddr } from './format.js';
import { onTab, platformBadge, progressBar, venueBadge, VENUE } from './markets.js';

const TF_SECONDS = { '1m': 60, '5m': 300, '1h': 3600, '1d': 86400 };
const UP = '#16c784';
const DOWN = '#ea3943';

function chartTheme() {
  return {
    layout: { background: { color: '#0f1318' }, textColor: '#8b949e', fontSize: 11, attributionLogo: false, panes: { separatorColor: '#2a313c' } },
    grid: { vertLines: { color: '#1b2129' }, horzLines: { color: '#1b2129' } },
    rightPriceScale: { borderColor: '#2a313c' },
    timeScale: { borderColor: '#2a313c', timeVisible: true, secondsVisible: false },
    crosshair: { mode: 0 },
  };
}

/** Chart numbers are floats: format them from 12 significant digits like the API's price strings. */
const chartPrice = (p) => fmtPrice(p.toPrecision(12));
/** An API candle (decimal strings, volume in lamports) as chart numbers, volume in SOL. */
const toBar = (c) => ({ time: c.time, open: Number(c.open), high: Number(c.high), low: Number(c.low), close: Number(c.close), volume: fromBaseUnits(c.volume_quote, 9) });
const ohlc = ({ time, open, high, low, close }) => ({ time, open, high, low, close });
const volumeBar = (b) => ({ time: b.time, value: b.volume, color: b.close >= b.open ? '#16c78466' : '#ea394366' });
/** The newest candle's figures above the chart (O H L C in SOL, V in SOL). */
const legendHtml = (b) =>
  b ? [['O', chartPrice(b.open)], ['H', chartPrice(b.high)], ['L', chartPrice(b.low)], ['C', chartPrice(b.close)], ['V', fmtCompact(b.volume)]]
    .map(([k, v]) => `<span>${k} <b data-k="${k}">${v}</b></span>`).join(' ') : '';

function tradeRow(t, decimals) {
  const tokens = fromBaseUnits(t.token_amount, decimals);
  const sol = fromBaseUnits(t.sol_amount, 9);
  return `<tr class="${t.side}">
    <td class="muted">${fmtAge(t.time)}</td><td class="side">${t.side.toUpperCase()}</td>
    <td class="num">${fmtPrice(t.price_sol)}</td><td class="num">${fmtCompact(tokens)}</td><td class="num">${sol.toFixed(4)}</td>
    <td class="muted small">${escapeHtml(t.venue && t.venue !== 'curve' ? (VENUE[t.venue] ?? t.venue) : 'curve')}</td>
    <td><a class="mono" href="https://solscan.io/account/${escapeHtml(t.user)}" target="_blank" rel="noopener">${escapeHtml(shortAddr(t.user))}</a></td>
    <td><a class="mono muted" href="https://solscan.io/tx/${escapeHtml(t.signature)}" target="_blank" rel="noopener">${escapeHtml(shortAddr(t.signature, 5))}</a></td></tr>`;
}

const bar = (label, value, max, cls = '') =>
  `<div class="bar-row"><span>${escapeHtml(label)}</span><span class="bar ${cls}"><i style="width:${max > 0 ? Math.min(100, (100 * value) / max) : 0}%"></i></span><span class="num">${value ?? '—'}</span></div>`;

/** Token page: header figures, candles + volume with a timeframe switch, live trades, holders, score breakdown. */
export function renderToken(root, mint, feed) {
  root.innerHTML = `
    <section class="token-head panel" id="head"><span class="muted">loading ${escapeHtml(mint)}…</span></section>
    <section class="grid-main">
      <div class="panel chart-panel">
        <div class="panel-head"><h2>Chart</h2><div class="tabs" id="tf">
          ${Object.keys(TF_SECONDS).map((tf) => `<button data-tf="${tf}" class="${tf === '1m' ? 'active' : ''}">${tf}</button>`).join('')}
        </div><span class="muted small" id="candle-count"></span><span class="legend mono small" id="legend"></span></div>
        <div id="chart" class="chart"></div>
      </div>
      <div class="panel">
        <h2>Score</h2><div id="score"><span class="muted">loading…</span></div>
        <h2>Holders</h2><div id="holders"><span class="muted">loading…</span></div>
      </div>
    </section>
    <section class="panel">
      <h2>Trades <span class="muted small">live</span></h2>
      <table class="data" id="trades"><thead><tr><th>Age</th><th>Side</th><th class="num">Price (SOL)</th><th class="num">Tokens</th>
        <th class="num">SOL</th><th>Venue</th><th>Trader</th><th>Tx</th></tr></thead><tbody></tbody></table>
    </section>`;

  let decimals = 6;
  let tf = '1m';
  const chartEl = root.querySelector('#chart');
  const chart = createChart(chartEl, { ...chartTheme(), autoSize: true });
  const candles = chart.addSeries(CandlestickSeries, {
    upColor: UP, downColor: DOWN, borderVisible: false, wickUpColor: UP, wickDownColor: DOWN,
    priceFormat: { type: 'custom', formatter: chartPrice, minMove: 1e-12 },
  });
  candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.04 } });
  // Volume (SOL) in a pane of its own below the candles, on its own price scale: the price axis spans only the
  // candles (an overlay in the same pane stretched it down over the histogram, into negative prices).
  const volume = chart.addSeries(HistogramSeries, { priceFormat: { type: 'volume' }, lastValueVisible: false, priceLineVisible: false }, 1);
  volume.priceScale().applyOptions({ scaleMargins: { top: 0.15, bottom: 0 } });
  chart.panes()[1].setStretchFactor(0.25);
  /** The newest candle, numbers only; live trades extend it or open the next one. */
  let lastBar = null;
  function draw(bar) {
    candles.update(ohlc(bar));
    volume.update(volumeBar(bar));
    root.querySelector('#legend').innerHTML = legendHtml(bar);
  }
  // The graduation, marked on the candle it falls in: the chart runs on from the curve into the AMM pool.
  const markers = createSeriesMarkers(candles, []);
  let graduation = null;

  async function loadHead() {
    const t = await api(`/tokens/${mint}`);
    decimals = t.decimals ?? 6;
    graduation = t.graduated && t.graduated_at ? { time: Math.floor(Date.parse(t.graduated_at) / 1000), venue: VENUE[t.venue] ?? t.venue } : null;
    markGraduation();
    const p = t.price;
    root.querySelector('#head').innerHTML = `
      <div class="title"><h1>${escapeHtml(t.symbol || '???')}</h1><span class="muted">${escapeHtml(t.name || '')}</span>
        ${platformBadge(t.platform)}${t.graduated ? ' <span class="badge grad">graduated</span>' : ''}${venueBadge(t.venue)}</div>
      <div class="mono small muted copy" title="mint">${escapeHtml(t.mint)}</div>
      <div class="figures">
        <div><label>Price (SOL)</label><b class="num" id="head-price">${fmtPrice(p.price ?? t.price_sol, 6)}</b></div>
        <div><label>1h change</label><b class="num ${Number(p.change_1h) >= 0 ? 'up-text' : 'down-text'}">${fmtSigned(p.change_1h)}</b></div>
        <div><label>Vol 1h</label><b class="num">${fmtCompact(fromBaseUnits(p.volume_1h, 9))}</b></div>
        <div><label>Vol 24h</label><b class="num">${fmtCompact(t.volume_24h_sol)}</b></div>
        <div><label>Trades 24h</label><b class="num">${t.trades_24h.toLocaleString('en-US')}</b></div>
        <div><label>${t.venue && t.venue !== 'curve' ? 'Trades on' : 'Curve'}</label><b class="${t.venue && t.venue !== 'curve' ? 'mono small' : 'prog'}" id="head-venue">${
          t.venue && t.venue !== 'curve'
            ? `<a href="https://solscan.io/account/${escapeHtml(t.pool)}" target="_blank" rel="noopener">${escapeHtml(VENUE[t.venue] ?? t.venue)} ${escapeHtml(shortAddr(t.pool))}</a>`
            : progressBar(t.progress_pct)}</b></div>
        <div><label>Score</label><b class="num">${t.score ?? '—'}</b></div>
        <div><label>Created</label><b class="num">${fmtAge(t.created_at)} ago</b></div>
      </div>`;
  }

  async function loadCandles() {
    const to = Math.ceil(Date.now() / 1000);
    const { data } = await api(`/tokens/${mint}/candles?tf=${tf}&from=${to - TF_SECONDS[tf] * 500}&to=${to}`);
    const bars = data.map(toBar);
    candles.setData(bars.map(ohlc));
    volume.setData(bars.map(volumeBar));
    lastBar = bars.at(-1) ?? null;
    root.querySelector('#legend').innerHTML = legendHtml(lastBar);
    root.querySelector('#candle-count').textContent = `${data.length} candles`;
    markGraduation(data);
    chart.timeScale().fitContent();
  }

  let shown = [];
  /** Puts the graduation marker on the candle that holds it (once both the token and its candles are loaded). */
  function markGraduation(data = shown) {
    shown = data;
    if (!graduation || shown.length === 0) return markers.setMarkers([]);
    const bucket = graduation.time - (graduation.time % TF_SECONDS[tf]);
    const bar = shown.find((c) => c.time >= bucket) ?? shown[shown.length - 1];
    markers.setMarkers([{ time: bar.time, position: 'aboveBar', color: '#f5b400', shape: 'arrowDown', text: `graduated → ${graduation.venue ?? 'AMM'}` }]);
  }

  async function loadTrades() {
    const { data } = await api(`/tokens/${mint}/trades?limit=50`);
    root.querySelector('#trades tbody').innerHTML = data.map((t) => tradeRow(t, decimals)).join('') || '<tr><td colspan="8" class="muted">no trades</td></tr>';
  }

  async function loadScore() {
    const { data } = await api(`/tokens/${mint}/scores?limit=1`);
    const s = data[0];
    root.querySelector('#score').innerHTML = s
      ? `<div class="score-total"><b>${s.total}</b><span class="muted">/ 999</span></div>
         ${bar('Technical', s.technical, 333, 'tech')}${bar('Holder', s.holder, 333, 'hold')}${bar('Social', s.social, 333, 'soc')}
         <div class="sub muted small">liquidity ${s.liquidity ?? '—'} · trading ${s.trading ?? '—'} · distribution ${s.distribution ?? '—'} · ${fmtAge(s.time)} ago</div>`
      : '<span class="muted">not scored yet</span>';
  }

  async function loadHolders() {
    const h = await api(`/tokens/${mint}/holders?limit=10`);
    const s = h.snapshot;
    const buckets = s ? Object.entries(s.buckets).filter(([, v]) => v !== null) : [];
    const maxBucket = Math.max(1, ...buckets.map(([, v]) => v));
    const held = (label, x) => `${label} ${x.wallets} · ${fmtCompact(fromBaseUnits(x.balance, decimals))}`;
    const live = s?.source === 'live'
      ? `<div class="sub muted small">dev ${fmtCompact(fromBaseUnits(s.dev_balance, decimals))} · ${held('snipers', s.snipers)} · ${held('bundles', s.bundles)} · live, slot ${s.as_of_slot}</div>`
      : '';
    root.querySelector('#holders').innerHTML = `
      ${s ? `<div class="kv"><span>Holders</span><b class="num">${s.total_holders.toLocaleString('en-US')}</b><span>Top 10</span><b class="num">${fmtPct(s.top_10_pct)}</b>
        <span>Top 25</span><b class="num">${fmtPct(s.top_25_pct)}</b><span>Gini</span><b class="num">${s.gini === null ? '—' : Number(s.gini).toFixed(3)}</b></div>
        ${buckets.map(([k, v]) => bar(k.replace('_plus', '+').replace('_', '–'), v, maxBucket)).join('')}${live}` : '<span class="muted">no snapshot yet</span>'}
      <table class="data compact"><thead><tr><th>Top holders</th><th class="num">Tokens</th><th class="num">Share</th></tr></thead><tbody>
        ${h.top.map((x) => `<tr><td class="mono">${escapeHtml(shortAddr(x.owner, 5))}</td><td class="num">${fmtCompact(fromBaseUnits(x.amount, decimals))}</td><td class="num">${fmtPct(x.share_pct)}</td></tr>`).join('')}
      </tbody></table>`;
  }

  onTab(root.querySelector('#tf'), 'tf', (t) => {
    tf = t;
    void loadCandles();
  });

  /** Score and holders are recomputed within a second or two of a trade (docs/realtime.md): re-read them at most every 2 s. */
  const refreshAnalytics = throttle(() => {
    void loadScore().catch(() => {});
    void loadHolders().catch(() => {});
  }, 2000);

  // Live trades: prepend to the list and extend the last candle, or open the next one when the bucket changes.
  const off = feed.subscribe((m) => {
    if (m.mint !== mint || m.kind !== 'trade') return;
    refreshAnalytics();
    const time = m.blockTime ?? Math.floor(Date.now() / 1000);
    const body = root.querySelector('#trades tbody');
    body.querySelector('tr:not(.buy):not(.sell)')?.remove(); // the "no trades" placeholder
    const trade = { ...m, time: new Date(time * 1000).toISOString(), sol_amount: m.solAmount, token_amount: m.tokenAmount, price_sol: m.priceSol };
    body.insertAdjacentHTML('afterbegin', tradeRow(trade, decimals).replace('<tr class="', '<tr class="new '));
    while (body.children.length > 100) body.lastElementChild.remove();
    const head = root.querySelector('#head-price');
    if (head) head.textContent = fmtPrice(m.priceSol, 6);

    const price = Number(m.priceSol);
    const sol = fromBaseUnits(m.solAmount, 9);
    const bucket = time - (time % TF_SECONDS[tf]);
    if (!lastBar || bucket > lastBar.time) lastBar = { time: bucket, open: price, high: price, low: price, close: price, volume: sol };
    else if (bucket === lastBar.time) {
      lastBar = { ...lastBar, high: Math.max(lastBar.high, price), low: Math.min(lastBar.low, price), close: price, volume: lastBar.volume + sol };
    } else return; // older than the chart's last candle: the next reload includes it
    draw(lastBar);
  });

  const show = (sel) => (err) => {
    const el = root.querySelector(sel);
    if (el) el.innerHTML = `<span class="error">${escapeHtml(err.message)}</span>`;
  };
  void loadHead().catch(show('#head'));
  void loadCandles().catch(show('#candle-count'));
  void loadTrades().catch(show('#trades tbody'));
  void loadScore().catch(show('#score'));
  void loadHolders().catch(show('#holders'));
  const refresh = setInterval(refreshAnalytics, 15_000);
  return () => {
    off();
    clearInterval(refresh);
    refreshAnalytics.cancel();
    chart.remove();
  };
}

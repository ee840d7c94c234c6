/* global document, window, setTimeout */
import { createFeed } from './api.js';
import { renderMarkets } from './markets.js';
import { renderSystem } from './system.js';
import { renderToken } from './token.js';

const view = document.getElementById('view');
const liveBadge = document.getElementById('live');
const feed = createFeed((status) => {
  liveBadge.className = `live ${status}`;
  liveBadge.querySelector('span').textContent = status;
});

const MINT = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;
let unmount = () => {};

/** Hash routes: #/ markets, #/token/MINT, #/system. Each view returns its cleanup (timers, feed). */
function route() {
  unmount();
  const hash = window.location.hash.replace(/^#/, '') || '/';
  const [, page, arg] = hash.split('/');
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === (page || 'markets'));
  view.innerHTML = '';
  if (page === 'token' && MINT.test(arg ?? '')) unmount = renderToken(view, arg, feed);
  else if (page === 'system') unmount = renderSystem(view);
  else unmount = renderMarkets(view, feed);
  window.scrollTo(0, 0);
}

document.getElementById('search').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = document.getElementById('search-input');
  const mint = input.value.trim();
  if (MINT.test(mint)) {
    window.location.hash = `#/token/${mint}`;
    input.value = '';
  } else {
    input.classList.add('invalid');
    setTimeout(() => input.classList.remove('invalid'), 800);
  }
});
window.addEventListener('hashchange', route);
route();

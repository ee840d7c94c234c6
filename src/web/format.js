/**
 * Number formatting for a trading screen. Prices arrive as exact decimal strings and are formatted from the
 * string itself (no float round-trip); tiny prices use the subscript-zero notation traders know
 * (0.0₇2795 = 0.00000002795).
 */

const SUBSCRIPT = '₀₁₂₃₄₅₆₇₈₉';
const subscript = (n) => String(n).split('').map((d) => SUBSCRIPT[Number(d)]).join('');

/** Splits a non-negative decimal string into its digits and the position of the decimal point. */
function parseDecimal(str) {
  const m = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(String(str).trim());
  if (!m) return null;
  let int = m[2] || '0';
  let frac = m[3] || '';
  const exp = Number(m[4] || 0);
  // Apply a scientific exponent by moving the point.
  if (exp > 0) {
    frac = frac.padEnd(exp, '0');
    int += frac.slice(0, exp);
    frac = frac.slice(exp);
  } else if (exp < 0) {
    int = int.padStart(-exp + 1, '0');
    frac = int.slice(int.length + exp) + frac;
    int = int.slice(0, int.length + exp);
  }
  return { neg: m[1] === '-', int: int.replace(/^0+(?=\d)/, ''), frac };
}

/**
 * A price with `sig` significant digits (default 4). Prices below 0.0001 collapse their leading zeros:
 * "0.00000002795" → "0.0₇2795".
 */
export function fmtPrice(str, sig = 4) {
  if (str === null || str === undefined || str === '') return '—';
  const d = parseDecimal(str);
  if (!d) return String(str);
  const sign = d.neg ? '-' : '';
  if (d.int !== '0') {
    const n = Number(`${d.int}.${d.frac}`);
    const decimals = Math.max(0, sig - d.int.length);
    return sign + n.toLocaleString('en-US', { minimumFractionDigits: Math.min(decimals, 2), maximumFractionDigits: decimals });
  }
  const zeros = (/^0*/.exec(d.frac) ?? [''])[0].length;
  if (zeros === d.frac.length) return '0';
  const digits = d.frac.slice(zeros, zeros + sig).replace(/0+$/, '') || '0';
  if (zeros >= 4) return `${sign}0.0${subscript(zeros)}${digits}`;
  return `${sign}0.${'0'.repeat(zeros)}${digits}`;
}

/** Compact amounts: 1.23K, 4.56M, 7.89B; small values keep two decimals. */
export function fmtCompact(value, digits = 2) {
  const n = Number(value);
  if (!Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  for (const [unit, size] of [['B', 1e9], ['M', 1e6], ['K', 1e3]]) {
    if (abs >= size) return `${(n / size).toFixed(digits)}${unit}`;
  }
  if (abs > 0 && abs < 0.01) return n.toPrecision(2);
  return n.toFixed(digits);
}

/** Base units (decimal string) → whole units as a display number. */
export function fromBaseUnits(str, decimals) {
  if (str === null || str === undefined) return NaN;
  return Number(str) / 10 ** decimals;
}

export function fmtPct(value, digits = 2) {
  if (value === null || value === undefined || value === '') return '—';
  const n = Number(value);
  return Number.isFinite(n) ? `${n.toFixed(digits)}%` : '—';
}

export function fmtSigned(value, digits = 2) {
  if (value === null || value === undefined) return '—';
  const n = Number(value);
  if (!Number.isFinite(n)) return '—';
  return `${n > 0 ? '+' : ''}${n.toFixed(digits)}%`;
}

/** "12s", "5m", "3h", "2d" ago. */
export function fmtAge(iso) {
  if (!iso) return '—';
  const s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 60) return `${Math.floor(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** "7xKX…gAsU" */
export function shortAddr(addr, n = 4) {
  if (!addr) return '—';
  return addr.length <= 2 * n + 1 ? addr : `${addr.slice(0, n)}…${addr.slice(-n)}`;
}

export function escapeHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

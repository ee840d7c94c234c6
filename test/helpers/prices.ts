/**
 * What a reader gets for a price the decoder gave as `exact`: trades store prices as doubles (migration
 * 0069) and readers render them `::numeric` — PostgreSQL's 15 significant digits in decimal notation.
 */
export function storedPrice(exact: string): string {
  const [mantissa, exp = '0'] = Number(exact).toPrecision(15).split('e');
  const [int, frac = ''] = mantissa!.split('.');
  const digits = int! + frac;
  const point = int!.length + Number(exp);
  const s = point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

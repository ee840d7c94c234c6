/** The benchmarks' `--name value` flags: a value, or a positive number with a default (an error names the flag). */
export function benchFlags(argv: readonly string[]) {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const positive = (name: string, dflt: number): number => {
    const n = Number(get(name) ?? dflt);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  return { get, positive, has: (name: string): boolean => argv.includes(`--${name}`) };
}

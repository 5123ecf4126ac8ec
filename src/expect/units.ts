import type { Unit } from '../measure.js';

/** Each unit's dimension and its size in the dimension's base (ms, bytes, percent points). */
const UNIT_TABLE: Record<Unit, { dimension: 'duration' | 'size' | 'percent'; factor: number }> = {
  ms: { dimension: 'duration', factor: 1 },
  s: { dimension: 'duration', factor: 1_000 },
  m: { dimension: 'duration', factor: 60_000 },
  h: { dimension: 'duration', factor: 3_600_000 },
  d: { dimension: 'duration', factor: 86_400_000 },
  B: { dimension: 'size', factor: 1 },
  KB: { dimension: 'size', factor: 1e3 },
  MB: { dimension: 'size', factor: 1e6 },
  GB: { dimension: 'size', factor: 1e9 },
  KiB: { dimension: 'size', factor: 1024 },
  MiB: { dimension: 'size', factor: 1024 ** 2 },
  GiB: { dimension: 'size', factor: 1024 ** 3 },
  '%': { dimension: 'percent', factor: 1 },
  // a 0-1 fraction is 100 percent points per unit
  ratio: { dimension: 'percent', factor: 100 },
};

/** Units a policy author may write after a number (`ratio` is only a metric's unit). */
export const WRITABLE_UNITS = ['ms', 's', 'm', 'h', 'd', 'B', 'KB', 'MB', 'GB', 'KiB', 'MiB', 'GiB', '%'] as const;
export type WritableUnit = (typeof WRITABLE_UNITS)[number];

export function isWritableUnit(word: string): word is WritableUnit {
  return (WRITABLE_UNITS as readonly string[]).includes(word);
}

export function describeUnit(unit: Unit | undefined): string {
  if (unit === undefined) return 'a plain count';
  if (unit === 'ratio') return 'a 0-1 fraction';
  return `${UNIT_TABLE[unit].dimension} in ${unit}`;
}

/**
 * Converts `value` written in `from` into the metric's unit `to`. A missing `from` means the value
 * is already in the metric's unit. Returns an error message when the units do not fit: a wrong
 * unit is a policy error, never a silent wrong comparison.
 */
export function convert(value: number, from: Unit | undefined, to: Unit | undefined): number | { error: string } {
  if (from === undefined || from === to) return value;
  if (to === undefined) {
    return { error: `the metric is a plain count; remove the unit "${from}"` };
  }
  const a = UNIT_TABLE[from];
  const b = UNIT_TABLE[to];
  if (a.dimension !== b.dimension) {
    return { error: `unit "${from}" does not fit the metric, which is ${describeUnit(to)}` };
  }
  // 12 significant digits absorb binary noise such as 0.1 s -> 100.00000000000001 ms
  return Number(((value * a.factor) / b.factor).toPrecision(12));
}

/** Formats a value in its unit for people: 0.0123 ratio -> 1.23%, 1536 B -> 1.5 KiB. */
export function formatValue(value: number, unit: Unit | undefined): string {
  if (!Number.isFinite(value)) return String(value);
  // counts exactly; other values to two decimals, or three significant digits below 1
  const round = (n: number) =>
    Number.isInteger(n) ? String(n) : Math.abs(n) >= 1 ? Number(n.toFixed(2)).toString() : Number(n.toPrecision(3)).toString();
  switch (unit) {
    case undefined:
      return round(value);
    case 'ratio':
      return `${round(value * 100)}%`;
    case '%':
      return `${round(value)}%`;
    case 'B': {
      if (Math.abs(value) < 1024) return `${round(value)} B`;
      const units = ['KiB', 'MiB', 'GiB', 'TiB'];
      let n = value / 1024;
      let i = 0;
      while (Math.abs(n) >= 1024 && i < units.length - 1) {
        n /= 1024;
        i++;
      }
      return `${round(n)} ${units[i]}`;
    }
    default:
      return `${round(value)} ${unit}`;
  }
}

/** Parses a duration such as "7d", "90m" or "2h" into milliseconds (max-age). */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_TABLE[match[2] as Unit].factor;
}

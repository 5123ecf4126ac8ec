/**
 * The vocabulary shared by readers, expectations and the verdict: a metric is a number in a unit.
 * Units are stored as the metric's natural unit (JUnit durations in seconds, k6 trends in
 * milliseconds, Valgrind leaks in bytes); expectations are converted into that unit.
 */
export type Unit =
  | 'ms' | 's' | 'm' | 'h' | 'd'
  | 'B' | 'KB' | 'MB' | 'GB' | 'KiB' | 'MiB' | 'GiB'
  | '%'
  /** a 0-1 fraction (k6 rates): accepts a bare number or a percentage */
  | 'ratio';

export interface Metric {
  value: number;
  /** absent for plain counts */
  unit?: Unit;
}

export type Metrics = Record<string, Metric>;

/** Thrown by readers for evidence that cannot be read; becomes a "missing" reason. */
export class EvidenceError extends Error {
  constructor(
    message: string,
    /** 1-based line and column where the input broke, when known */
    readonly position?: { line: number; column?: number },
  ) {
    super(message);
    this.name = 'EvidenceError';
  }
}

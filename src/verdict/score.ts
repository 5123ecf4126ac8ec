/**
 * The score, exactly. Weights are decimals with at most WEIGHT_DECIMALS places (the schema holds
 * them to that, see policy/weight.ts), so each is an integer number of thousandths and the sums are exact BigInts: no
 * binary rounding can lift a 79.999999999995% score to 80%, and no weight can overflow to
 * Infinity or NaN. The shown score is rounded down to hundredths; the decision compares the exact
 * fraction with the minimum, never the rounded number.
 */

/** An exact share: passed / total (both in thousandths of weight). */
export interface Share {
  passed: bigint;
  total: bigint;
}

/** The score in percent, rounded down to hundredths: never above the exact share. */
export function shownScore(share: Share): number {
  if (share.total === 0n) return 0;
  const hundredths = (10_000n * share.passed) / share.total;
  return Number(hundredths) / 100;
}

/** Whether the exact score (100 × passed / total) reaches `minimum` percent, compared exactly. */
export function reaches(share: Share, minimum: number): boolean {
  if (share.total === 0n) return false;
  const { numerator, denominator } = exactDecimal(minimum);
  // 100 × passed / total >= numerator / denominator, cross-multiplied (all positive)
  return 100n * share.passed * denominator >= numerator * share.total;
}

/** The decimal a finite number prints as (its shortest round-trip form), as an exact fraction. */
export function exactDecimal(n: number): { numerator: bigint; denominator: bigint } {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(n));
  if (!match) throw new RangeError(`unexpected number form: ${String(n)}`);
  const [, sign, whole, fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText) - fraction.length;
  let numerator = BigInt(`${sign}${whole}${fraction}`);
  let denominator = 1n;
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator = 10n ** BigInt(-exponent);
  return { numerator, denominator };
}

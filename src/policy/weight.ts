/**
 * Weights: decimals with few places in a bounded range, so that every weight is an exact integer
 * number of thousandths and the score can be summed without binary rounding or overflow
 * (1e308 once made the score Infinity/NaN).
 */

/** Decimal places a weight may have. */
export const WEIGHT_DECIMALS = 3;
/** Largest weight (the smallest is 10^-WEIGHT_DECIMALS). */
export const MAX_WEIGHT = 1_000_000;

const SCALE = 10 ** WEIGHT_DECIMALS;

/** A weight in thousandths, or undefined when it is not a decimal with at most WEIGHT_DECIMALS places in range. */
export function scaledWeight(weight: number): bigint | undefined {
  if (!Number.isFinite(weight) || weight <= 0 || weight > MAX_WEIGHT) return undefined;
  const scaled = Math.round(weight * SCALE);
  // the weight as written (its shortest decimal form) must be the scaled integer exactly
  if (scaled === 0 || scaled / SCALE !== weight) return undefined;
  return BigInt(scaled);
}

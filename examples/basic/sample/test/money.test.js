import { describe, expect, it } from 'vitest';
import { format, split } from '../src/money.js';

describe('money', () => {
  it('formats euros', () => expect(format(12.5)).toBe('€12.50'));
  it('formats NaN as a dash', () => expect(format(Number.NaN)).toBe('—'));
  it('splits without losing cents', () => expect(split(10, 3)).toEqual([3.34, 3.33, 3.33]));
  it('splits evenly', () => expect(split(9, 3)).toEqual([3, 3, 3]));
});

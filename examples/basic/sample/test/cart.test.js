import { describe, expect, it } from 'vitest';
import { add, remove, total } from '../src/cart.js';

const book = { sku: 'book', price: 12.5, quantity: 2 };
const pen = { sku: 'pen', price: 1.2, quantity: 3 };

describe('cart', () => {
  it('totals items', () => expect(total([book, pen])).toBe(28.6));
  it('applies a discount', () => expect(total([book], { discount: 0.1 })).toBe(22.5));
  it('rejects a bad discount', () => expect(() => total([book], { discount: 2 })).toThrow(RangeError));
  it('rejects a non-array', () => expect(() => total(null)).toThrow(TypeError));
  it('adds a new item', () => expect(add([book], pen)).toHaveLength(2));
  it('merges quantities of the same sku', () => expect(add([book], { ...book, quantity: 1 })[0].quantity).toBe(3));
  it('removes an item', () => expect(remove([book, pen], 'book')).toEqual([pen]));
  it.skip('applies vouchers (not built yet)', () => {});
});

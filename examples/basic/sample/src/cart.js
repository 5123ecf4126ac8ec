export function total(items, { discount = 0 } = {}) {
  if (!Array.isArray(items)) throw new TypeError('items must be an array');
  const sum = items.reduce((acc, item) => acc + item.price * item.quantity, 0);
  if (discount < 0 || discount > 1) throw new RangeError('discount must be between 0 and 1');
  return Math.round(sum * (1 - discount) * 100) / 100;
}

export function add(items, item) {
  const existing = items.find((i) => i.sku === item.sku);
  if (existing) {
    return items.map((i) => (i.sku === item.sku ? { ...i, quantity: i.quantity + item.quantity } : i));
  }
  return [...items, item];
}

export function remove(items, sku) {
  return items.filter((i) => i.sku !== sku);
}

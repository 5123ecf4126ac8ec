export function format(amount, currency = 'EUR') {
  if (!Number.isFinite(amount)) return '—';
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(amount);
}

export function split(amount, parts) {
  if (parts <= 0) throw new RangeError('parts must be positive');
  const cents = Math.round(amount * 100);
  const base = Math.floor(cents / parts);
  const rest = cents - base * parts;
  return Array.from({ length: parts }, (_, i) => (base + (i < rest ? 1 : 0)) / 100);
}

import { describe, expect, it } from 'vitest';
import { paginate } from './paging';

const items = Array.from({ length: 45 }, (_, i) => i + 1);

describe('paginate', () => {
  it('cuts the list into pages of the given size', () => {
    const first = paginate(items, 1, 20);
    expect(first.items).toEqual(items.slice(0, 20));
    expect(first).toMatchObject({ page: 1, pageCount: 3, total: 45, first: 1, last: 20 });
    const last = paginate(items, 3, 20);
    expect(last.items).toEqual([41, 42, 43, 44, 45]);
    expect(last).toMatchObject({ page: 3, first: 41, last: 45 });
  });
  it('clamps a page out of range to the nearest page', () => {
    expect(paginate(items, 9, 20).page).toBe(3);
    expect(paginate(items, 0, 20).page).toBe(1);
    expect(paginate(items, -4, 20).items[0]).toBe(1);
    expect(paginate(items, Number.NaN, 20).page).toBe(1);
    expect(paginate(items, 2.7, 20).page).toBe(2);
  });
  it('has one empty page for an empty list', () => {
    expect(paginate([], 1, 20)).toEqual({ items: [], page: 1, pageCount: 1, total: 0, first: 0, last: 0 });
    expect(paginate([], 5, 20).page).toBe(1);
  });
  it('fills the last page exactly when the size divides the count', () => {
    const forty = items.slice(0, 40);
    expect(paginate(forty, 2, 20)).toMatchObject({ page: 2, pageCount: 2, first: 21, last: 40 });
  });
  it('refuses a page size that is not a positive integer', () => {
    expect(() => paginate(items, 1, 0)).toThrow(RangeError);
    expect(() => paginate(items, 1, 2.5)).toThrow(RangeError);
  });
});

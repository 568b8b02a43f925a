// Client-side paging of a list the platform returns whole (e.g. the caller's projects).

/** One page of a list: its items, which page it is (1-based, clamped into range) and where it sits in the whole. */
export interface PageSlice<T> {
  items: T[];
  /** 1-based page number, clamped to 1..pageCount. */
  page: number;
  /** At least 1, also for an empty list. */
  pageCount: number;
  total: number;
  /** 1-based position of the first item shown (0 when the list is empty). */
  first: number;
  /** 1-based position of the last item shown (0 when the list is empty). */
  last: number;
}

/** Page `page` (1-based) of `items` at `pageSize` per page; a page out of range gives the nearest one that exists. */
export function paginate<T>(items: readonly T[], page: number, pageSize: number): PageSlice<T> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer; it is ${pageSize}.`);
  const total = items.length;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(pageCount, Math.max(1, Number.isFinite(page) ? Math.floor(page) : 1));
  const start = (current - 1) * pageSize;
  const shown = items.slice(start, start + pageSize);
  return { items: shown, page: current, pageCount, total, first: shown.length ? start + 1 : 0, last: start + shown.length };
}

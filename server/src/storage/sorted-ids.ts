/**
 * A set of record ids kept in ascending order (UTF-16 code-unit order, like `Array.prototype.sort`),
 * for indexes that page with `after` + `limit` without sorting on every read.
 */
export class SortedIds {
  private ids: string[] = [];
  private sorted = true;

  /** Adds an id without keeping the order (bulk loading); the next read sorts once. */
  addUnsorted(id: string): void {
    this.ids.push(id);
    this.sorted = false;
  }

  /** Adds an id in its place; adding a present id changes nothing. */
  add(id: string): void {
    this.ensureSorted();
    const i = lowerBound(this.ids, id);
    if (this.ids[i] !== id) this.ids.splice(i, 0, id);
  }

  /** Removes an id when present. */
  delete(id: string): void {
    this.ensureSorted();
    const i = lowerBound(this.ids, id);
    if (this.ids[i] === id) this.ids.splice(i, 1);
  }

  /** How many ids there are. */
  get size(): number {
    return this.ids.length;
  }

  /** The ids greater than `after` (all when undefined), at most `limit` of them, ascending. */
  page(after?: string, limit?: number): string[] {
    this.ensureSorted();
    const start = after === undefined ? 0 : upperBound(this.ids, after);
    return this.ids.slice(start, limit === undefined ? undefined : start + Math.max(0, limit));
  }

  private ensureSorted(): void {
    if (this.sorted) return;
    this.ids = [...new Set(this.ids)].sort();
    this.sorted = true;
  }
}

/** The first index whose element is >= `x`. */
function lowerBound(a: readonly string[], x: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose element is > `x`. */
function upperBound(a: readonly string[], x: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

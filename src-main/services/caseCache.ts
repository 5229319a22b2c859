/**
 * A small least-recently-used map for opened cases. Cases hold whole volumes (tens to hundreds of
 * MB), so the main process keeps only the last few, and never more bytes than its memory budget:
 * each entry is weighed on insertion and the oldest are forgotten until both limits hold. The
 * newest entry always stays (the loader has already refused a case over the budget on its own).
 * The renderer reopens a case it needs again.
 */
export interface LruLimits<V> {
  /** How many entries at most. */
  capacity: number;
  /** The most the entries may weigh together, by `weigh`. */
  maxWeight?: number;
  weigh?: (value: V) => number;
}

export class LruCache<K, V> {
  private readonly entries = new Map<K, { value: V; weight: number }>();
  private total = 0;
  private readonly limits: Required<LruLimits<V>>;

  constructor(limits: LruLimits<V>) {
    const { capacity } = limits;
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`LRU capacity must be a positive integer, got ${capacity}`);
    this.limits = { maxWeight: Number.POSITIVE_INFINITY, weigh: () => 0, ...limits };
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry as most recently used.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry?.value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const weight = this.limits.weigh(value);
    this.entries.set(key, { value, weight });
    this.total += weight;
    while (this.entries.size > 1 && (this.entries.size > this.limits.capacity || this.total > this.limits.maxWeight)) {
      this.delete(this.entries.keys().next().value as K);
    }
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** What the entries weigh together. */
  get weight(): number {
    return this.total;
  }

  private delete(key: K): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.total -= entry.weight;
  }
}

/**
 * Lookups by key made in the same turn of the event loop, answered by one call of `load`: one
 * `WHERE key = ANY($1)` query for many concurrent requests instead of a round trip each. Every
 * lookup still reads the database after it was asked (the batch leaves on `setImmediate`, after
 * the current I/O callbacks), so nothing is cached and nothing read is older than the request.
 * Under load the requests a poll of the sockets delivered together share a query; alone, a
 * lookup costs one query, as before.
 */
export class BatchedLookup<K, V> {
  #pending: Map<K, { resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[]> | null =
    null;

  /**
   * @param load the values of `keys` (distinct, at most `maxKeys`), by key; a key it leaves
   *   out has no value.
   */
  constructor(
    private readonly load: (keys: K[]) => Promise<ReadonlyMap<K, V>>,
    private readonly maxKeys = 256,
  ) {}

  get(key: K): Promise<V | undefined> {
    if (this.#pending === null) {
      this.#pending = new Map();
      setImmediate(() => this.#flush());
    }
    const pending = this.#pending;
    return new Promise<V | undefined>((resolve, reject) => {
      const waiting = pending.get(key);
      if (waiting === undefined) pending.set(key, [{ resolve, reject }]);
      else waiting.push({ resolve, reject });
    });
  }

  #flush(): void {
    const pending = this.#pending!;
    this.#pending = null;
    const keys = [...pending.keys()];
    for (let i = 0; i < keys.length; i += this.maxKeys) {
      const part = keys.slice(i, i + this.maxKeys);
      this.load(part).then(
        (found) => {
          for (const key of part) for (const w of pending.get(key)!) w.resolve(found.get(key));
        },
        (error: unknown) => {
          for (const key of part) for (const w of pending.get(key)!) w.reject(error);
        },
      );
    }
  }
}

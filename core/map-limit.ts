/**
 * Maps over a list with at most `limit` calls in flight, results in input order. Per-community
 * work over a whole district or province would otherwise start hundreds of queries at once and
 * wait longer for a pool connection than the pool allows (connectionTimeoutMillis).
 */
export interface MapLimitOptions {
  /**
   * After each item, a lane rests `rest` times as long as the item took (1: half the time
   * working). For background work that must leave the machine to people waiting for answers.
   */
  rest?: number;
}

export async function mapLimit<T, R>(items: readonly T[], limit: number, f: (item: T, index: number) => Promise<R>, opts: MapLimitOptions = {}): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const rest = opts.rest ?? 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) {
      const started = performance.now();
      out[i] = await f(items[i]!, i);
      if (rest > 0 && next < items.length) await new Promise((r) => setTimeout(r, (performance.now() - started) * rest));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return out;
}

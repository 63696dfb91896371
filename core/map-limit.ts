/**
 * Maps over a list with at most `limit` calls in flight, results in input order. Per-community
 * work over a whole district or province would otherwise start hundreds of queries at once and
 * wait longer for a pool connection than the pool allows (connectionTimeoutMillis).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, f: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await f(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return out;
}

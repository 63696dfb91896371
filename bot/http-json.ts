/** JSON over HTTP for the platform APIs: a timeout on every call, and errors that say which call failed. */
const TIMEOUT_MS = 10_000;

export class HttpStatusError extends Error {
  override readonly name = "HttpStatusError";
  constructor(readonly status: number, what: string) {
    super(`${what}: HTTP ${status}`);
  }
}

export async function requestJson<T = Record<string, unknown>>(
  what: string,
  url: string,
  init: { method?: "GET" | "POST"; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { ...(init.body === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!res.ok) throw new HttpStatusError(res.status, what);
  return (await res.json()) as T;
}

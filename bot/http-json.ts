/** JSON over HTTP for the platform APIs: a timeout on every call, and errors that say which call failed and why. */
const TIMEOUT_MS = 10_000;

/** A non-2xx answer. Keeps the platform's own error code and message (DingTalk's new API: {code, message}). */
export class HttpStatusError extends Error {
  override readonly name = "HttpStatusError";
  readonly code: string | undefined;
  readonly platformMessage: string | undefined;
  constructor(
    readonly status: number,
    what: string,
    readonly body?: unknown,
  ) {
    const b = (body ?? {}) as { code?: unknown; message?: unknown; errcode?: unknown; errmsg?: unknown };
    const code = b.code ?? b.errcode;
    const message = b.message ?? b.errmsg;
    super(`${what}: HTTP ${status}${code !== undefined ? ` ${String(code)}` : ""}${message !== undefined ? `: ${String(message)}` : ""}`);
    this.code = code === undefined ? undefined : String(code);
    this.platformMessage = message === undefined ? undefined : String(message);
  }
}

export async function requestJson<T = Record<string, unknown>>(
  what: string,
  url: string,
  init: { method?: "GET" | "POST" | "PUT"; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { ...(init.body === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!res.ok) {
    const text = await res.text().catch(() => "");
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    throw new HttpStatusError(res.status, what, body);
  }
  return (await res.json()) as T;
}

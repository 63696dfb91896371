/**
 * Fetches a file the bot itself serves behind a signed link (an export, a chart) so an adapter
 * can upload it to the platform: the platform never sees our URL, only the bytes.
 */

export interface FetchedFile {
  bytes: Buffer;
  /** From Content-Disposition (RFC 5987 `filename*` first, then `filename`), else the fallback. */
  name: string;
  contentType: string;
}

export class FileTooLarge extends Error {
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`file too large: ${bytes} bytes (limit ${limit})`);
    this.name = "FileTooLarge";
  }
}

export interface FetchOptions {
  maxBytes: number;
  fallbackName: string;
  timeoutMs?: number;
  /** Refuse any other content type, e.g. "image/" for a picture the platform shows inline. */
  typePrefix?: string;
}

export async function fetchOwnFile(url: string, opts: FetchOptions): Promise<FetchedFile> {
  // Only the path's first letters go to the log: the rest is a bearer token.
  const where = `at ${new URL(url).pathname.slice(0, 3)}…`;
  const got = await fetchFile(url, { ...opts, where });
  return { bytes: got.bytes, name: fileNameOf(got.disposition) ?? opts.fallbackName, contentType: got.contentType };
}

/**
 * The one way the bot fetches a file over HTTP: our own signed links (fetchOwnFile) and the
 * platforms' download links for pictures people send (bot/wecom/pictures.ts, bot/dingtalk/pictures.ts).
 * Refuses past maxBytes while reading, never holding more than the limit.
 */
export async function fetchFile(
  url: string,
  opts: { maxBytes: number; timeoutMs?: number; typePrefix?: string; where?: string },
): Promise<{ bytes: Buffer; contentType: string; disposition: string | null }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000) });
  const where = opts.where ?? "";
  if (!res.ok) {
    await res.body?.cancel();
    throw new FileRefused(res.status, `file ${res.status} ${where}`.trim());
  }
  const contentType = res.headers.get("content-type") ?? "application/octet-stream";
  if (opts.typePrefix !== undefined && !contentType.startsWith(opts.typePrefix)) {
    await res.body?.cancel();
    throw new Error(`file of type ${contentType.slice(0, 40)}, not ${opts.typePrefix}…, ${where}`.trim());
  }
  const declared = Number(res.headers.get("content-length") ?? Number.NaN);
  if (declared > opts.maxBytes) {
    await res.body?.cancel();
    throw new FileTooLarge(declared, opts.maxBytes);
  }
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.length;
    if (size > opts.maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw new FileTooLarge(size, opts.maxBytes);
    }
    parts.push(Buffer.from(chunk));
  }
  return { bytes: Buffer.concat(parts, size), contentType, disposition: res.headers.get("content-disposition") };
}

/** The server answered with an HTTP error status (an expired or unknown download link). */
export class FileRefused extends Error {
  override readonly name = "FileRefused";
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

/** `attachment; filename="x.xlsx"; filename*=UTF-8''%E5%8F%B0.xlsx` → 台.xlsx */
export function fileNameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/i.exec(disposition);
  const name = (plain?.[1] ?? plain?.[2])?.trim();
  return name || undefined;
}

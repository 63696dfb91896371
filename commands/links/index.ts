/**
 * Download links for exports, as /导出 and /区县 hand them out: what a command puts in the
 * payload and the Chinese refusal when links are off. Payloads, signing and checking are
 * core/links (the chart link lives there too: the digest worker makes it); forms are
 * commands/core/form-link.ts.
 */
import { type DownloadLinkPayload, signLink } from "../../core/links/index.ts";
import { UserError } from "../core/errors.ts";
import type { FormSettings } from "../core/types.ts";

/**
 * How long the link a platform adapter fetches a file through lives, when the link shown in a
 * group needs a sign-in: the adapter fetches it at once, and it is never shown to anyone.
 */
export const FILE_FETCH_LINK_MS = 15 * 60_000;

export function downloadLink(settings: FormSettings | undefined, payload: Omit<DownloadLinkPayload, "l" | "exp">, now: Date, ttlMs?: number): { url: string; hours: number } {
  if (!settings) throw new UserError("下载链接功能未开启，请联系管理员设置 PUBLIC_BASE_URL 和 FORM_SECRET。");
  const ttl = ttlMs ?? settings.ttlMs;
  const url = signLink(settings, { ...payload, l: "d", exp: now.getTime() + ttl });
  return { url, hours: Math.round(ttl / 3_600_000) };
}

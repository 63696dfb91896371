/** Signed, expiring download links for exports (the same signing as form links). */
import { signToken } from "../core/signed-token.ts";
import { UserError } from "./errors.ts";
import type { FormSettings } from "./types.ts";

export type DownloadWhat = "ledger" | "summary" | "district";

/** What a download link names; permissions are checked again when it is opened. */
export interface DownloadPayload {
  w: DownloadWhat;
  /** community, and the member who asked (for ledger and summary) */
  c?: number;
  m?: number;
  /** district, and the district admin who asked (for the district workbook) */
  d?: number;
  a?: number;
  /** the range's name as people say it, e.g. 2026年秋季学期 */
  n?: string;
  /** date range, inclusive */
  f: string;
  t: string;
  /** one school only */
  s?: number;
  /** asked in a 1:1 chat: only then may an admin's file carry the audit log (a group's members would all see it) */
  p?: 1;
  exp: number;
}

export function downloadLink(settings: FormSettings | undefined, payload: Omit<DownloadPayload, "exp">, now: Date): { url: string; hours: number } {
  if (!settings) throw new UserError("下载链接功能未开启，请联系管理员设置 PUBLIC_BASE_URL 和 FORM_SECRET。");
  const token = signToken(settings.secret, { ...payload, exp: now.getTime() + settings.ttlMs });
  return { url: `${settings.baseUrl}/d/${token}`, hours: Math.round(settings.ttlMs / 3_600_000) };
}

/** Signed, expiring download links for exports (the same signing as form links). */
import { z } from "zod";
import { signToken } from "../../core/signed-token.ts";
import { UserError } from "../core/errors.ts";
import type { FormSettings } from "../core/types.ts";

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

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const id = z.number().int().positive();

/**
 * A download token's payload, checked when the link is opened. Form and photo links are signed
 * with the same secret: their payloads fail here instead of reaching a query (was a 500).
 */
export const downloadPayloadSchema = z.object({
  w: z.enum(["ledger", "summary", "district"]),
  c: id.optional(),
  m: id.optional(),
  d: id.optional(),
  a: id.optional(),
  n: z.string().max(100).optional(),
  f: z.string().regex(DAY),
  t: z.string().regex(DAY),
  s: id.optional(),
  p: z.literal(1).optional(),
  exp: z.number(),
});

export function downloadLink(settings: FormSettings | undefined, payload: Omit<DownloadPayload, "exp">, now: Date): { url: string; hours: number } {
  if (!settings) throw new UserError("下载链接功能未开启，请联系管理员设置 PUBLIC_BASE_URL 和 FORM_SECRET。");
  const token = signToken(settings.secret, { ...payload, exp: now.getTime() + settings.ttlMs });
  return { url: `${settings.baseUrl}/d/${token}`, hours: Math.round(settings.ttlMs / 3_600_000) };
}

/**
 * How long personal data is kept (PIPL 第19条: no longer than the purpose needs). Pure: the
 * retention job and /设置 both read these.
 */
import { DateTime } from "luxon";
import { countingTermFor, type TermSetting } from "../terms.ts";

export interface RetentionPolicy {
  /** Processed messages (the bot's stored replies, kept for redelivery dedup) and delivery logs. */
  messageDays: number;
  /** Photos: the record's own term plus this many terms. */
  photoTerms: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { messageDays: 180, photoTerms: 1 };

/** A community's own settings win; unset ones fall back to the deployment's. */
export function effectiveRetention(defaults: RetentionPolicy, own: { messageDays: number | null; photoTerms: number | null } | null | undefined): RetentionPolicy {
  return { messageDays: own?.messageDays ?? defaults.messageDays, photoTerms: own?.photoTerms ?? defaults.photoTerms };
}

/** The last day (inclusive, YYYY-MM-DD) a photo of a record dated `recordDay` is kept. */
export function photoKeptUntil(community: TermSetting, recordDay: string, photoTerms: number): string {
  let term = countingTermFor(community, recordDay);
  for (let i = 0; i < photoTerms; i++) term = countingTermFor(community, DateTime.fromISO(term.end).plus({ days: 1 }).toISODate() ?? term.end);
  return term.end;
}

/** Rows created before this instant are past the message retention. */
export function messageCutoff(now: Date, messageDays: number): Date {
  return new Date(now.getTime() - messageDays * 86_400_000);
}

export function retentionLines(p: RetentionPolicy): string[] {
  return [
    `· 消息与回复（防重复处理用）、推送记录：保存 ${p.messageDays} 天后删除`,
    `· 活动照片：保存到记录所在学期${p.photoTerms > 0 ? `之后再 ${p.photoTerms} 个学期` : "结束"}，然后删除，链接随之失效`,
    "· 活动记录：随共同体保存（台账、进度）；成员注销后署名改为「已注销成员」",
  ];
}

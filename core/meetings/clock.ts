/** Times of day and reminder offsets as people type them: "9:00", "下午3点半", "3天", "2小时". */

export type ClockParse = { ok: true; time: string; rest: string } | { ok: false; message: string };

const CLOCK = /^(上午|早上|中午|下午|晚上)?\s*(\d{1,2})(?:(?::|点|时)(\d{1,2}|半)?分?)/;

/** A time at the start of `text` (HH:mm, 24-hour) and what follows it. */
export function parseClock(text: string): ClockParse {
  const m = CLOCK.exec(text.trim());
  if (!m) return { ok: false, message: "例如 9:00 或 下午3点半" };
  let hour = Number(m[2]);
  const minute = m[3] === "半" ? 30 : Number(m[3] ?? 0);
  if ((m[1] === "下午" || m[1] === "晚上") && hour < 12) hour += 12;
  if (hour > 23 || minute > 59) return { ok: false, message: `${m[0]} 不是有效的时间` };
  return { ok: true, time: `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`, rest: text.trim().slice(m[0].length) };
}

const UNIT_MINUTES: Record<string, number> = { 天: 1440, 日: 1440, 小时: 60, 个小时: 60, 时: 60, 分钟: 1, 分: 1 };
const MAX_OFFSET = 14 * 1440;

export type OffsetsParse = { ok: true; minutes: number[] } | { ok: false; message: string };

/** "3天 2小时" → [4320, 120] (largest first, duplicates dropped); at most four, each ≤ 14 days. */
export function parseOffsets(text: string): OffsetsParse {
  const words = text.split(/[\s,，、;；]+/).filter(Boolean);
  const example = "例如：/设置 提醒 3天 2小时";
  if (words.length === 0) return { ok: false, message: `请写上提前多久提醒。${example}` };
  if (words.length > 4) return { ok: false, message: `最多设置4个提醒时间。${example}` };
  const out = new Set<number>();
  for (const w of words) {
    const m = /^(\d{1,4})(天|日|个小时|小时|时|分钟|分)$/.exec(w);
    const minutes = m ? Number(m[1]) * UNIT_MINUTES[m[2]!]! : NaN;
    if (!(minutes >= 5 && minutes <= MAX_OFFSET)) return { ok: false, message: `「${w}」不是有效的提醒时间（5分钟到14天）。${example}` };
    out.add(minutes);
  }
  return { ok: true, minutes: [...out].sort((a, b) => b - a) };
}

/** 4320 → "3天", 120 → "2小时", 90 → "1小时30分钟". */
export function offsetLabel(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  return [days ? `${days}天` : "", hours ? `${hours}小时` : "", mins ? `${mins}分钟` : ""].join("") || "0分钟";
}

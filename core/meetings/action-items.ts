/**
 * Action items in minutes: "待办：@王老师 12月10日前 提交送课方案" → owner 王老师, due 12-10,
 * task 提交送课方案. Several may share a line (chat apps fold line breaks).
 */
import { parseChineseDate } from "../dates.ts";
import { normalizeText } from "../normalize.ts";

export interface ExtractedItem {
  owner: string | null;
  /** YYYY-MM-DD in the community's timezone. */
  due: string | null;
  task: string;
}

const MARKER = /(?:待办|待辦|行动项|TODO)\s*[:：]/gi;
const DUE_WORD = /^(?:截止)?(.+?)(?:之前|以前|前|截止)$/;

function parseItem(segment: string, now: Date, zone: string): ExtractedItem | null {
  let words = segment.trim().split(/\s+/).filter(Boolean);
  let owner: string | null = null;
  const first = words[0];
  if (first?.startsWith("@") && first.length > 1) {
    owner = first.slice(1).slice(0, 30);
    words = words.slice(1);
  }
  let due: string | null = null;
  const dueIndex = words.findIndex((w) => {
    const m = DUE_WORD.exec(w);
    const parsed = m ? parseChineseDate(m[1]!, now, zone) : undefined;
    if (parsed?.ok) due = parsed.value.date;
    return parsed?.ok ?? false;
  });
  if (dueIndex >= 0) words.splice(dueIndex, 1);
  const task = words
    .join(" ")
    .replace(/[。；;]+$/, "")
    .trim()
    .slice(0, 200);
  return task === "" ? null : { owner, due, task };
}

export function extractActionItems(minutes: string, now: Date, zone: string): ExtractedItem[] {
  const items: ExtractedItem[] = [];
  for (const rawLine of minutes.split(/\r?\n/)) {
    const line = normalizeText(rawLine);
    const parts = line.split(MARKER);
    // parts[0] is the text before the first marker; each later part is one item (up to a full stop).
    for (const part of parts.slice(1)) {
      const segment = part.split(/[。；;]/)[0] ?? "";
      const item = parseItem(segment, now, zone);
      if (item) items.push(item);
    }
  }
  return items;
}

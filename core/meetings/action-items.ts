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
/** "2026-12-03 前": the deadline word typed apart from its date. */
const BEFORE_WORD = /^(?:之前|以前|前|截止)$/;

/** Where the due date is among the words (and how many words it takes), with the date. */
function findDue(words: readonly string[], now: Date, zone: string): { index: number; count: number; date: string } | null {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const glued = DUE_WORD.exec(w);
    const parsed = glued ? parseChineseDate(glued[1]!, now, zone) : undefined;
    if (parsed?.ok) return { index: i, count: 1, date: parsed.value.date };
    const next = words[i + 1];
    if (next !== undefined && BEFORE_WORD.test(next)) {
      const apart = parseChineseDate(w, now, zone);
      if (apart.ok) return { index: i, count: 2, date: apart.value.date };
    }
  }
  return null;
}

function parseItem(segment: string, now: Date, zone: string): ExtractedItem | null {
  let words = segment.trim().split(/\s+/).filter(Boolean);
  let owner: string | null = null;
  const first = words[0];
  if (first?.startsWith("@") && first.length > 1) {
    owner = first.slice(1).slice(0, 30);
    words = words.slice(1);
  }
  const found = findDue(words, now, zone);
  const due = found?.date ?? null;
  if (found) words.splice(found.index, found.count);
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

/**
 * Meeting rules as people say them ("每月第一个周六 9:00 二小会议室") → an RFC 5545 recurrence
 * (rrule's RRULE text) plus a wall-clock time and an anchor day, all in the community's timezone.
 * Input is normalized first, so Traditional forms (每月第一個週六) and full-width digits work.
 */
import { createRequire } from "node:module";
import { normalizeText } from "../normalize.ts";
import { parseClock } from "./clock.ts";

// rrule ships CommonJS whose named exports Node's ESM loader cannot see: load it with require.
const require = createRequire(import.meta.url);
const { RRule } = require("rrule") as typeof import("rrule");

export interface RuleSpec {
  /** RFC 5545 RRULE value, e.g. "FREQ=MONTHLY;BYDAY=+1SA" (the wall time comes from `time`). */
  rrule: string;
  /** HH:mm in the community's timezone. */
  time: string;
  /** DTSTART's day (YYYY-MM-DD): the rule counts from here (biweekly rules keep this parity). */
  anchor: string;
  /** How the rule reads back to people, e.g. "每月第一个周六 09:00". */
  label: string;
  place: string | null;
}

export type RuleParse = { ok: true; rule: RuleSpec } | { ok: false; message: string };

export const RULE_EXAMPLES = ["每月第一个周六 9:00", "每月最后一个周五 15:30", "每月15日 14:00", "每两周周三 16:00", "每周一 8:00"];
const HELP = `能用的规则：${RULE_EXAMPLES.join("、")}。例如：/会议 规则 每月第一个周六 9:00 二小会议室`;

const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
const WEEKDAY_NAME = ["一", "二", "三", "四", "五", "六", "日"];
const WEEKDAY_INDEX: Record<string, number> = { 一: 0, 二: 1, 三: 2, 四: 3, 五: 4, 六: 5, 日: 6, 天: 6, "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6 };
const ORDINAL: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, "1": 1, "2": 2, "3": 3, "4": 4 };
const WEEK = "(?:周|星期|礼拜)";
const DAY = "([一二三四五六日天1-7])";

interface Shape {
  pattern: RegExp;
  build(m: RegExpExecArray): { rrule: string; label: string; weekday?: number } | string;
}

const SHAPES: Shape[] = [
  {
    // 每月第一个周六 / 每月第一周周六 (seed 004 篇七) / 每月第1个星期六
    pattern: new RegExp(`^每月第([一二三四1-4])(?:个|周的?)?${WEEK}?${DAY}`),
    build: (m) => {
      const n = ORDINAL[m[1]!]!;
      const d = WEEKDAY_INDEX[m[2]!]!;
      return { rrule: `FREQ=MONTHLY;BYDAY=+${n}${WEEKDAYS[d]}`, label: `每月第${"一二三四"[n - 1]}个周${WEEKDAY_NAME[d]}` };
    },
  },
  {
    pattern: new RegExp(`^每月最后(?:一)?(?:个|周的?)?${WEEK}${DAY}`),
    build: (m) => {
      const d = WEEKDAY_INDEX[m[1]!]!;
      return { rrule: `FREQ=MONTHLY;BYDAY=-1${WEEKDAYS[d]}`, label: `每月最后一个周${WEEKDAY_NAME[d]}` };
    },
  },
  {
    pattern: /^每月(\d{1,2})[日号]/,
    build: (m) => {
      const day = Number(m[1]);
      if (day < 1 || day > 28) return `每月${day}日不是每个月都有。请选1—28日，或用「每月最后一个周五」这样的说法。`;
      return { rrule: `FREQ=MONTHLY;BYMONTHDAY=${day}`, label: `每月${day}日` };
    },
  },
  {
    pattern: new RegExp(`^每(?:两|二|2)(?:个)?${WEEK}的?${WEEK}?${DAY}`),
    build: (m) => {
      const d = WEEKDAY_INDEX[m[1]!]!;
      return { rrule: `FREQ=WEEKLY;INTERVAL=2;BYDAY=${WEEKDAYS[d]}`, label: `每两周周${WEEKDAY_NAME[d]}`, weekday: d };
    },
  },
  {
    pattern: new RegExp(`^每${WEEK}的?${WEEK}?${DAY}`),
    build: (m) => {
      const d = WEEKDAY_INDEX[m[1]!]!;
      return { rrule: `FREQ=WEEKLY;BYDAY=${WEEKDAYS[d]}`, label: `每周${WEEKDAY_NAME[d]}`, weekday: d };
    },
  },
];

/** The first day on or after `from` that is the given weekday (0 = Monday). */
function nextWeekday(from: string, weekday: number): string {
  const t = Date.parse(`${from}T00:00:00Z`);
  const current = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t + ((weekday - current + 7) % 7) * 86_400_000).toISOString().slice(0, 10);
}

/** Parses a rule; `today` (YYYY-MM-DD in the community's zone) anchors it. */
export function parseRule(input: string, today: string): RuleParse {
  const text = normalizeText(input);
  if (text === "") return { ok: false, message: `请写上会议规则。${HELP}` };
  for (const shape of SHAPES) {
    const m = shape.pattern.exec(text);
    if (!m) continue;
    const built = shape.build(m);
    if (typeof built === "string") return { ok: false, message: `${built}\n${HELP}` };
    const after = text.slice(m[0].length).trim();
    const clock = parseClock(after);
    if (!clock.ok) return { ok: false, message: `规则「${m[0]}」缺少或写错了时间（${clock.message}）。${HELP}` };
    const anchor = built.weekday === undefined ? today : nextWeekday(today, built.weekday);
    // Validates through rrule itself: what we store is what the library accepts.
    RRule.parseString(built.rrule);
    const place = clock.rest.trim();
    return { ok: true, rule: { rrule: built.rrule, time: clock.time, anchor, label: `${built.label} ${clock.time}`, place: place === "" ? null : place.slice(0, 100) } };
  }
  return { ok: false, message: `没看懂会议规则「${text.slice(0, 30)}」。${HELP}` };
}

/** The full RFC 5545 text of a stored rule (DTSTART with TZID, then RRULE), for display and export. */
export function toRfc5545(rule: Pick<RuleSpec, "rrule" | "time" | "anchor">, zone: string): string {
  const dt = `${rule.anchor.replace(/-/g, "")}T${rule.time.replace(":", "")}00`;
  return `DTSTART;TZID=${zone}:${dt}\nRRULE:${rule.rrule}`;
}

export { RRule };

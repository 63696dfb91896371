/** The pure meeting domain: rule phrases, occurrences in Asia/Shanghai, holidays, action items, offsets, due times, terms. */
import { afterEach, describe, expect, it } from "vitest";
import { extractActionItems } from "../../core/meetings/action-items.ts";
import { checkMeetingDay, COVERED_YEARS, dayStatus, nearestWorkingDay } from "../../core/meetings/calendar.ts";
import { offsetLabel, parseClock, parseOffsets } from "../../core/meetings/clock.ts";
import { classifyDue } from "../../core/meetings/due.ts";
import { ruleOccurrences } from "../../core/meetings/occurrences.ts";
import { parseRule, toRfc5545, type RuleSpec } from "../../core/meetings/rule.ts";
import { termFor } from "../../core/terms.ts";

const ZONE = "Asia/Shanghai";
const rule = (text: string, today = "2026-11-28"): RuleSpec => {
  const r = parseRule(text, today);
  if (!r.ok) throw new Error(r.message);
  return r.rule;
};
const days = (r: RuleSpec, from: string, to: string) => ruleOccurrences(r, ZONE, new Date(`${from}T00:00:00+08:00`), new Date(`${to}T23:59:59+08:00`)).map((o) => o.day);

describe("rule phrases → RFC 5545", () => {
  it.each([
    ["每月第一个周六 9:00", "FREQ=MONTHLY;BYDAY=+1SA", "09:00", null],
    ["每月第一周周六 9:00", "FREQ=MONTHLY;BYDAY=+1SA", "09:00", null],
    ["每月最后一个周五 15:30 二小会议室", "FREQ=MONTHLY;BYDAY=-1FR", "15:30", "二小会议室"],
    ["每月15日 14:00", "FREQ=MONTHLY;BYMONTHDAY=15", "14:00", null],
    ["每两周周三 16:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", "16:00", null],
    ["每周一 8:00", "FREQ=WEEKLY;BYDAY=MO", "08:00", null],
    ["每月第一個週六 ９:００", "FREQ=MONTHLY;BYDAY=+1SA", "09:00", null],
    ["每月最後一個星期五 下午3点半", "FREQ=MONTHLY;BYDAY=-1FR", "15:30", null],
    ["每兩週週三 １６:００ 郝家也", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", "16:00", "郝家也"],
  ])("%s", (text, rrule, time, place) => {
    const r = rule(text);
    expect([r.rrule, r.time, r.place]).toEqual([rrule, time, place]);
  });

  it("writes the full RFC 5545 text with the community's timezone", () => {
    expect(toRfc5545(rule("每月第一个周六 9:00"), ZONE)).toBe("DTSTART;TZID=Asia/Shanghai:20261128T090000\nRRULE:FREQ=MONTHLY;BYDAY=+1SA");
  });

  it.each([
    ["", /请写上会议规则/],
    ["每天 9:00", /没看懂会议规则/],
    ["每月第一个周六", /缺少或写错了时间/],
    ["每月第一个周六 25:00", /缺少或写错了时间.*25:00 不是有效的时间/],
    ["每月31日 9:00", /不是每个月都有/],
    ["每月第五个周六 9:00", /没看懂会议规则/],
  ])("refuses %j with an example", (text, message) => {
    const r = parseRule(text, "2026-11-28");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toMatch(message);
      expect(r.message).toMatch(/例如：\/会议 规则 每月第一个周六 9:00/);
    }
  });
});

describe("occurrences", () => {
  const savedTz = process.env.TZ;
  afterEach(() => {
    process.env.TZ = savedTz;
  });

  it("cross months and the year end", () => {
    expect(days(rule("每月第一个周六 9:00"), "2026-11-28", "2027-03-31")).toEqual(["2026-12-05", "2027-01-02", "2027-02-06", "2027-03-06"]);
    expect(days(rule("每月最后一个周五 15:30"), "2026-11-28", "2027-02-28")).toEqual(["2026-12-25", "2027-01-29", "2027-02-26"]);
  });

  it("biweekly rules keep their parity across the year end", () => {
    expect(days(rule("每两周周三 16:00"), "2026-12-01", "2027-01-31")).toEqual(["2026-12-02", "2026-12-16", "2026-12-30", "2027-01-13", "2027-01-27"]);
  });

  it("leap years: Feb 29 2028 exists and the last Tuesday of February 2028 is the 29th", () => {
    expect(days(rule("每周二 9:00", "2028-02-01"), "2028-02-20", "2028-03-07")).toEqual(["2028-02-22", "2028-02-29", "2028-03-07"]);
    expect(days(rule("每月最后一个周二 9:00", "2028-01-01"), "2028-02-01", "2028-02-29")).toEqual(["2028-02-29"]);
    expect(days(rule("每月最后一个周二 9:00", "2027-01-01"), "2027-02-01", "2027-02-28")).toEqual(["2027-02-23"]);
  });

  it.each(["UTC", "America/New_York", "Asia/Shanghai"])("9:00 in Beijing is 01:00Z whatever the server's timezone (%s)", (tz) => {
    process.env.TZ = tz;
    const [first] = ruleOccurrences(rule("每月第一个周六 9:00"), ZONE, new Date("2026-11-28T00:00:00Z"), new Date("2027-01-01T00:00:00Z"));
    expect(first?.startsAt.toISOString()).toBe("2026-12-05T01:00:00.000Z");
    // 00:30 Beijing on Dec 5 is still Dec 4 in UTC: the day is the community's, not the server's.
    const [early] = ruleOccurrences(rule("每月第一个周六 0:30"), ZONE, new Date("2026-11-28T00:00:00Z"), new Date("2027-01-01T00:00:00Z"));
    expect([early?.day, early?.startsAt.toISOString()]).toEqual(["2026-12-05", "2026-12-04T16:30:00.000Z"]);
  });
});

describe("holiday calendar", () => {
  it("knows the National Day holiday and make-up workdays from chinese-days", () => {
    expect(dayStatus("2026-10-03")).toEqual({ kind: "holiday", name: "国庆节" });
    expect(dayStatus("2026-10-10")).toEqual({ kind: "workday", makeUp: true });
    expect(dayStatus("2026-10-17")).toEqual({ kind: "weekend" });
  });

  it("a first Saturday inside the National Day holiday gets the nearest working day", () => {
    expect(checkMeetingDay("2026-10-03", "2026-09-27")).toEqual({ kind: "holiday", name: "国庆节", suggestion: "2026-09-30" });
    // Not before `earliest`: then the first working day after the holiday.
    expect(nearestWorkingDay("2026-10-03", "2026-10-01")).toBe("2026-10-08");
  });

  it("in a year the library does not cover, a day a 调休 could move is unknown, not a working day; an override decides", () => {
    const year = COVERED_YEARS.last + 1;
    expect(checkMeetingDay(`${year}-01-02`, `${year - 1}-12-25`)).toEqual({ kind: "unknown", year });
    const overrides = new Map([
      [`${year}-01-01`, "holiday" as const],
      [`${year}-01-04`, "workday" as const],
    ]);
    expect(dayStatus(`${year}-01-01`, overrides)).toEqual({ kind: "holiday", name: "自定假日" });
    expect(checkMeetingDay("2026-10-03", "2026-09-27", new Map([["2026-10-03", "workday"]]))).toEqual({ kind: "ok" });
  });
});

describe("action items in minutes", () => {
  const now = new Date("2026-11-28T04:00:00Z");
  it("reads owner, due date and task, several per line, Traditional and full-width", () => {
    expect(extractActionItems("讨论了送课。\n待办：@王老师 12月10日前 提交送课方案\n待辦：@李校长 下周三前 汇总名单。待办:整理照片", now, ZONE)).toEqual([
      { owner: "王老师", due: "2026-12-10", task: "提交送课方案" },
      { owner: "李校长", due: "2026-12-02", task: "汇总名单" },
      { owner: null, due: null, task: "整理照片" },
    ]);
  });
  it("reads the due date with a space before 前/之前/以前, full-width digits, 号 and relative dates", () => {
    expect(extractActionItems("待办：@某老师 2026-12-03 前 统计送课人数", now, ZONE)).toEqual([{ owner: "某老师", due: "2026-12-03", task: "统计送课人数" }]);
    expect(extractActionItems("待办：@王老师 １２月５号 之前 交教案", now, ZONE)).toEqual([{ owner: "王老师", due: "2026-12-05", task: "交教案" }]);
    expect(extractActionItems("待办：@王老师 明天 以前 交教案", now, ZONE)).toEqual([{ owner: "王老师", due: "2026-11-29", task: "交教案" }]);
    // A date not followed by a deadline word stays in the task.
    expect(extractActionItems("待办：@王老师 整理 12月5日 的照片", now, ZONE)).toEqual([{ owner: "王老师", due: null, task: "整理 12月5日 的照片" }]);
  });
  it("ignores markers with nothing to do", () => {
    expect(extractActionItems("待办： @王老师", now, ZONE)).toEqual([]);
    expect(extractActionItems("没有待办事项", now, ZONE)).toEqual([]);
  });
});

describe("times and offsets", () => {
  it("parses clocks and reminder offsets", () => {
    expect(parseClock("下午3点半 二小")).toEqual({ ok: true, time: "15:30", rest: " 二小" });
    expect(parseOffsets("3天 2小时")).toEqual({ ok: true, minutes: [4320, 120] });
    expect(parseOffsets("30分钟，1天")).toEqual({ ok: true, minutes: [1440, 30] });
    expect(parseOffsets("15天").ok).toBe(false);
    expect(parseOffsets("明天").ok).toBe(false);
    expect(offsetLabel(90)).toBe("1小时30分钟");
  });

  it("classifies due pushes: on time, late up to 6 hours, then missed", () => {
    const due = new Date("2026-12-02T01:00:00Z");
    const at = (min: number) => classifyDue(due, new Date(due.getTime() + min * 60_000));
    expect([at(-1), at(0), at(5), at(6), at(360), at(361), at(7 * 1440 + 1)]).toEqual(["future", "on-time", "on-time", "late", "late", "missed", "forgotten"]);
  });
});

describe("terms keep reminders out of breaks", () => {
  it("the calendar's default terms have no breaks; a configured term makes its breaks", () => {
    const none = { termName: null, termStart: null, termEnd: null };
    expect(termFor(none, "2027-01-25")?.name).toBe("2026年秋季学期");
    const set = { termName: "2026秋", termStart: "2026-09-01", termEnd: "2027-01-20" };
    expect(termFor(set, "2027-01-10")?.name).toBe("2026秋");
    expect(termFor(set, "2027-01-25")).toBeNull();
    expect(termFor(set, "2027-03-01")?.name).toBe("2027年春季学期");
  });
});

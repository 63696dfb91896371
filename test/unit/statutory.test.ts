/**
 * Statutory holidays known by law for every year (issue 23, deliverable 6): beyond the years the
 * calendar library has notices for, 元旦, 春节 (除夕 to 初三), 清明, 劳动节 (two days), 端午, 中秋
 * and 国庆节 (three days) are holidays; only days a 调休 could move are "unknown".
 */
import { describe, expect, it } from "vitest";
import { checkMeetingDay, COVERED_YEARS, dayStatus } from "../../core/meetings/calendar.ts";
import { holidayProposalText } from "../../core/meetings/compose.ts";
import { statutoryHolidays } from "../../core/meetings/statutory.ts";

describe("the law's own holidays", () => {
  it("2027: the dates the revised 放假办法 fixes, lunar ones from the calendar", () => {
    expect(COVERED_YEARS.last).toBeLessThan(2027); // else this year is read from the notices instead
    expect([...statutoryHolidays(2027)]).toEqual([
      ["2027-01-01", "元旦"],
      ["2027-02-05", "春节"], // 除夕
      ["2027-02-06", "春节"], // 正月初一
      ["2027-02-07", "春节"],
      ["2027-02-08", "春节"],
      ["2027-04-05", "清明"],
      ["2027-05-01", "劳动节"],
      ["2027-05-02", "劳动节"],
      ["2027-06-09", "端午"],
      ["2027-09-15", "中秋"],
      ["2027-10-01", "国庆节"],
      ["2027-10-02", "国庆节"],
      ["2027-10-03", "国庆节"],
    ]);
  });

  it("agrees with the published notices on the years the library covers", () => {
    for (const year of [2025, 2026]) {
      for (const [day, name] of statutoryHolidays(year)) expect(dayStatus(day), `${day} ${name}`).toMatchObject({ kind: "holiday" });
    }
  });

  it("a leap fifth month (2028) still gives 端午 in the ordinary month", () => {
    expect(statutoryHolidays(2028).get("2028-05-28")).toBe("端午");
  });

  it("元旦 2027 is a holiday, not an unpublished year; days a 调休 could move are unknown; the rest of the year is known", () => {
    expect(dayStatus("2027-01-01")).toEqual({ kind: "holiday", name: "元旦" });
    expect(dayStatus("2027-10-02")).toEqual({ kind: "holiday", name: "国庆节" });
    expect(dayStatus("2027-01-02")).toEqual({ kind: "unknown", year: 2027 }); // a Saturday by 元旦: maybe a make-up workday
    expect(dayStatus("2027-10-08")).toEqual({ kind: "unknown", year: 2027 }); // a Friday after 国庆: maybe a bridge day off
    expect(dayStatus("2027-03-10")).toEqual({ kind: "workday", makeUp: false });
    expect(dayStatus("2027-03-13")).toEqual({ kind: "weekend" });
    expect(dayStatus("2031-11-12")).toEqual({ kind: "workday", makeUp: false });
  });

  it("a meeting on 元旦 2027 gets a proposal with the nearest day, saying the 调休 is not published yet", () => {
    const check = checkMeetingDay("2027-01-01", "2026-12-25");
    expect(check).toEqual({ kind: "holiday", name: "元旦", suggestion: "2026-12-31" });
    const moved = checkMeetingDay("2027-10-01", "2027-10-01");
    expect(moved).toMatchObject({ kind: "holiday", name: "国庆节", suggestion: "2027-10-04" });
    expect(holidayProposalText("县实小共同体", "2027-10-01", moved as Exclude<typeof moved, { kind: "ok" }>)).toMatch(
      /建议改到最近的工作日 10月4日（2027年的调休安排还没公布，改期前请确认那天不放假）/,
    );
  });
});

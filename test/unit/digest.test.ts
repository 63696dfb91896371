/** The digest's pure parts: packing at section boundaries, bars, weekday/time parsing, due instants, idle pairs. */
process.env.TZ = "UTC";
import { describe, expect, it } from "vitest";
import { bar } from "../../core/digest/compose.ts";
import { idlePairs } from "../../core/digest/mentors.ts";
import { packSections } from "../../core/digest/pack.ts";
import { digestWeek, lastDigestDue, parseWeekday } from "../../core/digest/when.ts";
import type { ProgressInput } from "../../core/progress.ts";

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

describe("packSections", () => {
  const section = (tag: string, lines: number) => Array.from({ length: lines }, (_, i) => `【${tag}】第${i + 1}行 示范课 县实小→杨庄 ▓▓░░ 1/2`);

  it("cuts between sections, each part under the limit, nothing lost or reordered", () => {
    const sections = ["甲", "乙", "丙", "丁", "戊"].map((t) => section(t, 20));
    const limit = 2048;
    const parts = packSections(sections, limit);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(bytes(p)).toBeLessThanOrEqual(limit);
      // Every part holds whole sections: first line is some section's first line.
      expect(p.split("\n")[0]).toMatch(/第1行/);
    }
    expect(parts.join("\n\n")).toBe(sections.map((s) => s.join("\n")).join("\n\n"));
  });

  it("a single section over the limit is cut between lines, never inside one", () => {
    const big = section("大", 200);
    const parts = packSections([big], 1000);
    for (const p of parts) {
      expect(bytes(p)).toBeLessThanOrEqual(1000);
      for (const line of p.split("\n")) expect(big).toContain(line);
    }
    expect(parts.join("\n")).toBe(big.join("\n"));
  });

  it("drops empty sections", () => {
    expect(packSections([["a"], [], ["b"]], 100)).toEqual(["a\n\nb"]);
  });
});

describe("bars and schedule words", () => {
  it("draws the share done in four cells", () => {
    expect([bar(1, 2), bar(0, 2), bar(2, 2), bar(5, 2), bar(1, 10)]).toEqual(["▓▓░░", "░░░░", "▓▓▓▓", "▓▓▓▓", "▓░░░"]);
  });

  it("reads weekdays", () => {
    expect(["周一", "星期三", "礼拜日", "周天", "周八", "一", ""].map(parseWeekday)).toEqual([1, 3, 7, 7, null, null, null]);
  });

  it("Monday 08:00 in Beijing is Monday 00:00 UTC; before it, last week's is the latest", () => {
    const s = { weekday: 1, time: "08:00", timezone: "Asia/Shanghai" };
    expect(lastDigestDue(s, new Date("2026-11-30T00:00:00Z")).toISOString()).toBe("2026-11-30T00:00:00.000Z");
    expect(lastDigestDue(s, new Date("2026-11-29T23:59:59Z")).toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(lastDigestDue(s, new Date("2026-12-03T12:00:00Z")).toISOString()).toBe("2026-11-30T00:00:00.000Z");
    expect(digestWeek(new Date("2026-11-30T00:00:00Z"), "Asia/Shanghai")).toBe("2026-W49");
    // Sunday 20:00 in Urumqi-style UTC+6 is still Sunday there.
    expect(lastDigestDue({ weekday: 7, time: "20:00", timezone: "Asia/Urumqi" }, new Date("2026-11-29T14:00:00Z")).toISOString()).toBe("2026-11-29T14:00:00.000Z");
  });
});

describe("idle mentor pairs", () => {
  const input = (activities: { date: string; people: string[]; pairId: number | null }[]): ProgressInput => ({
    targets: [],
    schools: [],
    term: { name: "秋", start: "2026-09-01", end: "2027-01-20" },
    today: "2026-11-30",
    pairs: [{ id: 1, subject: "语文", mentor: { name: "王芳", schoolId: 1 }, mentee: { name: "李娜", schoolId: 2 } }],
    activities: activities.map((a) => ({ kind: "听评课", hostSchoolId: null, givingSchoolId: null, receiverSchoolIds: [], schoolIds: [], ...a })),
  });

  it("names a pair quiet for 4 weeks or more, counted from pairing when it never met", () => {
    expect(idlePairs(input([{ date: "2026-11-02", people: ["王芳", "李娜"], pairId: null }]), new Map())).toMatchObject([{ weeks: 4, never: false }]);
    expect(idlePairs(input([{ date: "2026-11-03", people: ["王芳", "李娜"], pairId: null }]), new Map())).toEqual([]);
    expect(idlePairs(input([{ date: "2026-11-20", people: [], pairId: 1 }]), new Map())).toEqual([]);
    expect(idlePairs(input([]), new Map([[1, "2026-11-10"]]))).toEqual([]);
    expect(idlePairs(input([]), new Map([[1, "2026-10-01"]]))).toMatchObject([{ weeks: 8, never: true }]);
    // A planned activity is not a meeting yet.
    expect(idlePairs(input([{ date: "2026-12-02", people: ["王芳", "李娜"], pairId: 1 }]), new Map([[1, "2026-09-01"]]))).toMatchObject([{ never: true }]);
  });
});

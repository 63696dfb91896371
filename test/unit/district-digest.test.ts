import { describe, expect, it } from "vitest";
import { composeDistrictDigest, LIST_CAP, type DistrictDigestRow } from "../../core/digest/district.ts";

const NOW = new Date("2026-11-30T00:30:00Z"); // Monday 08:30 Beijing
const row = (name: string, r: Partial<DistrictDigestRow> = {}): DistrictDigestRow => ({
  name,
  termActivities: 10,
  weekActivities: 1,
  lastActivity: "2026-11-27",
  met: 5,
  total: 5,
  holdingBack: null,
  nextMeeting: null,
  ...r,
});
const text = (rows: DistrictDigestRow[]) =>
  composeDistrictDigest({ district: "安川县教育局", termName: "2026年秋季学期", today: "2026-11-30", timezone: "Asia/Shanghai", communities: rows }, NOW).map((s) => s.join("\n"));

describe("composeDistrictDigest", () => {
  it("puts the communities furthest behind first, names who holds each back, and counts the week", () => {
    const [summary, attention, week] = text([
      row("甲共同体", { met: 4, total: 5, holdingBack: "杨庄小学" }),
      row("乙共同体", { met: 1, total: 5, weekActivities: 3 }),
      row("丙共同体", { total: 0, met: 0, weekActivities: 0 }),
    ]);
    expect(summary).toContain("3 个共同体，上周活动 4 次（2 个共同体有活动），本学期累计 30 次。");
    expect(summary).toContain("目标全部达成 0 个，尚未达成 2 个，未设目标 1 个。");
    expect(attention!.split("\n").slice(1)).toEqual(["⚠️ 乙共同体：目标 1/5", "⚠️ 甲共同体：目标 4/5，拖后腿：杨庄小学"]);
    expect(week).toBe("上周最活跃：\n· 乙共同体 3 次\n· 甲共同体 1 次");
  });

  it("names quiet communities from 14 days without an activity, longest first", () => {
    const [, attention] = text([
      row("近", { lastActivity: "2026-11-17" }),
      row("久", { lastActivity: "2026-10-01" }),
      row("空", { lastActivity: null, termActivities: 0 }),
      row("新", { lastActivity: "2026-11-18" }),
    ]);
    // 近 (13 days) and 新 (12 days) are not quiet yet.
    expect(attention!.split("\n").slice(1)).toEqual(["💤 空：本学期还没有活动", "💤 久：已 60 天没有活动（最近 10月1日）"]);
  });

  it("caps each list and counts the rest, so 300 communities still make a short message", () => {
    const rows = Array.from({ length: 300 }, (_, i) => row(`共同体${String(i).padStart(3, "0")}`, { met: 1, total: 5, lastActivity: null }));
    const [, attention] = text(rows);
    const lines = attention!.split("\n");
    expect(lines.filter((l) => l.startsWith("⚠️"))).toHaveLength(LIST_CAP);
    expect(lines).toContain("……另有 290 个共同体目标未达成");
    expect(lines).toContain("……另有 290 个共同体两周以上没有活动");
  });

  it("lists the coming week's joint meetings in time order, and says when all is well", () => {
    const soon = new Date("2026-12-02T06:30:00Z");
    const sooner = new Date("2026-12-01T01:00:00Z");
    const far = new Date("2026-12-20T01:00:00Z");
    const out = text([row("甲", { nextMeeting: soon }), row("乙", { nextMeeting: sooner }), row("丙", { nextMeeting: far })]);
    expect(out[1]).toBe("需要关注：无，各共同体目标均已达成、近两周都有活动。");
    expect(out[3]).toBe("本周联席会议：\n· 12月1日（周二）09:00 乙 联席会议\n· 12月2日（周三）14:30 甲 联席会议");
  });

  it("an empty district says how communities join", () => {
    expect(text([])).toEqual(["📬 安川县教育局 区县周报（11月23日—11月29日）\n还没有共同体加入本区县。请把加入码告诉各共同体管理员（/区县 创建 区县名称 可再次查看）。"]);
  });
});

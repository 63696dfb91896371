/**
 * Seed 002's 对口协作 template on a county community of one core school and three rural member
 * schools, over an autumn term of 45 records. Every expected number below was counted by hand
 * from the table of records (see the comment on each record), not computed by the code under test.
 */
import { describe, expect, it } from "vitest";
import { computeProgress, type ItemScope, type ProgressActivity, type ProgressMentorPair, type ProgressSchool } from "../../core/progress.ts";
import { DEFAULT_TARGETS, TARGET_TEMPLATES } from "../../core/targets.ts";

const schools: ProgressSchool[] = [
  { id: 1, fullName: "安川县实验小学", name: "县实小", role: "core" },
  { id: 2, fullName: "杨庄乡中心小学", name: "杨庄", role: "member" },
  { id: 3, fullName: "青龙沟村小学", name: "青龙沟", role: "member" },
  { id: 4, fullName: "石门乡中心小学", name: "石门", role: "member" },
];
const person = (name: string, schoolId: number) => ({ name, schoolId });
const pairs: ProgressMentorPair[] = [
  { id: 101, mentor: person("王芳", 1), mentee: person("李娜", 2), subject: "语文" },
  { id: 102, mentor: person("张伟", 1), mentee: person("赵敏", 2), subject: "数学" },
  { id: 103, mentor: person("刘洋", 1), mentee: person("陈静", 3), subject: "语文" },
  { id: 104, mentor: person("孙丽", 1), mentee: person("周婷", 4), subject: "数学" },
  { id: 105, mentor: person("王芳", 1), mentee: person("吴刚", 2), subject: "语文" },
];

function a(kind: string, date: string, host: number, giver: number, receivers: number[], people: string[] = [], pairId: number | null = null): ProgressActivity {
  return { kind, date, hostSchoolId: host, givingSchoolId: giver, receiverSchoolIds: receivers, schoolIds: receivers.filter((r) => r !== host), people, pairId };
}

const TODAY = "2026-11-28";
const term = { name: "2026年秋季学期", start: "2026-09-01", end: "2027-01-16" };
const activities: ProgressActivity[] = [
  a("联席会议", "2026-09-05", 1, 1, [2, 3, 4]), // 1: 1—2, 1—3, 1—4
  a("管理论坛", "2026-09-12", 1, 1, [2]), // 2: 1—2; 工作例会 1→2
  a("管理论坛", "2026-10-10", 1, 1, [2, 3]), // 3: 1—2, 1—3; 工作例会 1→2, 1→3
  a("管理论坛", "2026-12-20", 1, 1, [4]), // 4: planned 1—4, 1→4
  a("教研活动", "2026-09-20", 2, 1, [2], ["王芳", "李娜"]), // 5: 1—2; 课题指导 1→2; 王芳>李娜
  a("教研活动", "2026-10-15", 2, 1, [2], ["王芳", "李娜"]), // 6: same
  a("教研活动", "2026-11-05", 3, 1, [3], ["刘洋"], 103), // 7: 1—3; 1→3; 刘洋>陈静 by pair link
  a("教研活动", "2026-10-22", 1, 1, []), // 8: inside the core school: nothing
  a("教研活动", "2026-11-12", 1, 3, [1]), // 9: 1—3 only (given by 青龙沟)
  a("主题活动", "2026-12-18", 1, 1, [2, 3, 4]), // 10: 艺术节 registered ahead: planned for all three
  a("主题活动", "2026-10-30", 2, 2, []), // 11: inside 杨庄: nothing
  a("主题活动", "2026-11-20", 3, 1, [3]), // 12: 1—3
  a("集体备课", "2026-09-18", 2, 1, [2]), // 13: 1→2
  a("集体备课", "2026-10-09", 2, 1, [2]), // 14: 1→2
  a("集体备课", "2026-10-16", 1, 1, [3]), // 15: at the core school, not at 青龙沟: nothing
  a("集体备课", "2026-11-06", 3, 1, [3]), // 16: 1→3
  a("集体备课", "2026-11-27", 4, 1, [4]), // 17: 1→4
  a("示范课", "2026-09-25", 2, 1, [2], ["王芳"]), // 18: 1→2
  a("示范课", "2026-10-13", 2, 1, [2], ["张伟"]), // 19: 1→2
  a("示范课", "2026-10-20", 2, 1, [2], ["王芳"]), // 20: 1→2
  a("示范课", "2026-10-27", 3, 1, [3], ["刘洋"]), // 21: 1→3
  a("示范课", "2026-11-10", 2, 2, [1], ["李娜"]), // 22: 杨庄's own 公开课 the core attended: 李娜 公开教学 only
  a("示范课", "2026-11-18", 4, 4, [], ["周婷"]), // 23: 周婷 公开教学
  a("示范课", "2026-12-02", 4, 1, [4], ["孙丽"]), // 24: planned 1→4
  a("专题讲座", "2026-09-28", 2, 1, [2]), // 25: 1→2
  a("专题讲座", "2026-10-25", 3, 1, [3]), // 26: 1→3
  a("专题讲座", "2026-11-15", 3, 1, [3]), // 27: 1→3
  a("专题讲座", "2026-11-16", 1, 1, [2, 3, 4]), // 28: at the core school: nothing
  a("参观学习", "2026-10-08", 1, 2, [1]), // 29: 2→1
  a("参观学习", "2026-10-21", 1, 3, [1]), // 30: 3→1
  a("参观学习", "2026-11-03", 2, 4, [2]), // 31: 石门 visiting 杨庄: nothing
  a("挂职", "2026-10-12", 1, 2, [1]), // 32: 2→1
  a("挂职", "2026-11-30", 1, 3, [1]), // 33: planned 3→1
  a("听评课", "2026-09-22", 1, 2, [1], ["李娜", "王芳"]), // 34: 2→1; 王芳>李娜; 李娜 听课
  a("听评课", "2026-10-14", 1, 2, [1], ["李娜"]), // 35: 2→1; 李娜 听课
  a("听评课", "2026-10-28", 2, 2, [], ["赵敏"]), // 36: internal 说课: 赵敏 听课 only, not 2→1
  a("听评课", "2026-11-09", 1, 3, [1], ["陈静", "刘洋"], 103), // 37: 3→1; 刘洋>陈静; 陈静 听课
  a("听评课", "2026-11-19", 1, 3, [1], ["陈静", "刘洋"]), // 38: same
  a("听评课", "2026-11-25", 4, 1, [4], ["孙丽", "周婷"]), // 39: not 4→1; 孙丽>周婷; 周婷 听课
  a("听评课", "2026-10-19", 2, 1, [2], ["王芳", "李娜"]), // 40: 王芳>李娜; 李娜 听课
  a("听评课", "2026-12-09", 1, 2, [1], ["赵敏", "张伟"]), // 41: planned 2→1, 张伟>赵敏, 赵敏
  a("论文案例", "2026-11-02", 2, 2, [], ["李娜"]), // 42: 李娜
  a("论文案例", "2026-11-21", 3, 3, [], ["陈静"]), // 43: 陈静
  a("论文案例", "2026-08-20", 2, 2, [], ["吴刚"]), // 44: before the term: nothing
  a("示范课", "2026-06-10", 2, 1, [2]), // 45: last term: nothing
];

function key(scope: ItemScope): string {
  switch (scope.type) {
    case "community":
      return "共同体";
    case "school":
      return `${scope.schoolId}`;
    case "pair":
      return `${scope.giverId}${scope.directed ? "→" : "—"}${scope.receiverId}`;
    case "mentor":
      return scope.side === "mentor" ? `${scope.person}>${scope.partner}` : scope.person;
  }
}

// label @ scope: [done, planned, min]
const EXPECTED: Record<string, [number, number, number]> = {
  "对口协作会议@1—2": [1, 0, 1],
  "对口协作会议@1—3": [1, 0, 1],
  "对口协作会议@1—4": [1, 0, 1],
  "一把手交流@1—2": [2, 0, 1],
  "一把手交流@1—3": [1, 0, 1],
  "一把手交流@1—4": [0, 1, 1],
  "研讨活动@1—2": [2, 0, 2],
  "研讨活动@1—3": [2, 0, 2],
  "研讨活动@1—4": [0, 0, 2],
  "主题活动@1—2": [0, 1, 1],
  "主题活动@1—3": [1, 1, 1],
  "主题活动@1—4": [0, 1, 1],
  "师徒结对@1—2": [3, 0, 3],
  "师徒结对@1—3": [1, 0, 3],
  "师徒结对@1—4": [1, 0, 3],
  "工作例会@1→2": [2, 0, 2],
  "工作例会@1→3": [1, 0, 2],
  "工作例会@1→4": [0, 1, 2],
  "集体备课@1→2": [2, 0, 2],
  "集体备课@1→3": [1, 0, 2],
  "集体备课@1→4": [1, 0, 2],
  "课题指导@1→2": [2, 0, 2],
  "课题指导@1→3": [1, 0, 2],
  "课题指导@1→4": [0, 0, 2],
  "示范课@1→2": [3, 0, 2],
  "示范课@1→3": [1, 0, 2],
  "示范课@1→4": [0, 1, 2],
  "专题讲座@1→2": [1, 0, 2],
  "专题讲座@1→3": [2, 0, 2],
  "专题讲座@1→4": [0, 0, 2],
  "赴对方学习@2→1": [1, 0, 1],
  "赴对方学习@3→1": [1, 0, 1],
  "赴对方学习@4→1": [0, 0, 1],
  "挂职@2→1": [1, 0, 1],
  "挂职@3→1": [0, 1, 1],
  "挂职@4→1": [0, 0, 1],
  "听评课@2→1": [2, 1, 2],
  "听评课@3→1": [2, 0, 2],
  "听评课@4→1": [0, 0, 2],
  "听评课@王芳>李娜": [2, 0, 2],
  "听评课@张伟>赵敏": [0, 1, 2],
  "听评课@刘洋>陈静": [2, 0, 2],
  "听评课@孙丽>周婷": [1, 0, 2],
  "听评课@王芳>吴刚": [0, 0, 2],
  "指导课题@王芳>李娜": [2, 0, 2],
  "指导课题@张伟>赵敏": [0, 0, 2],
  "指导课题@刘洋>陈静": [1, 0, 2],
  "指导课题@孙丽>周婷": [0, 0, 2],
  "指导课题@王芳>吴刚": [0, 0, 2],
  "听课@李娜": [3, 0, 2],
  "听课@赵敏": [1, 1, 2],
  "听课@陈静": [2, 0, 2],
  "听课@周婷": [1, 0, 2],
  "听课@吴刚": [0, 0, 2],
  "公开教学@李娜": [1, 0, 1],
  "公开教学@赵敏": [0, 0, 1],
  "公开教学@陈静": [0, 0, 1],
  "公开教学@周婷": [1, 0, 1],
  "公开教学@吴刚": [0, 0, 1],
  "论文案例@李娜": [1, 0, 1],
  "论文案例@赵敏": [0, 0, 1],
  "论文案例@陈静": [1, 0, 1],
  "论文案例@周婷": [0, 0, 1],
  "论文案例@吴刚": [0, 0, 1],
};

describe("seed 002 (对口协作) on 1 core + 3 member schools, by hand", () => {
  const report = computeProgress({ targets: DEFAULT_TARGETS, schools, pairs, activities, term, today: TODAY });

  it("has 45 records over the term (two outside it)", () => expect(activities).toHaveLength(45));

  it("counts every item per directed pair, per pair of schools and per person as counted by hand", () => {
    const got = Object.fromEntries(report.items.map((i) => [`${i.target.label ?? i.target.kind}@${key(i.scope)}`, [i.done, i.planned, i.min]]));
    expect(got).toEqual(EXPECTED);
  });

  it("judges the community as one: 28 of 64 met, 石门 holding it back (9 of its 11 unmet; the core school's 23 of 40 is a smaller share)", () => {
    expect(report.community.total).toBe(64);
    expect(report.community.met).toBe(28);
    expect(report.community.holdingBack).toEqual({ schools: [schools.find((s) => s.name === "石门")], behind: 9, of: 11 });
  });

  it("counts each school's own items: 县实小 23 behind of 40, 杨庄 7 of 17, 青龙沟 3 of 11, 石门 9 of 11", () => {
    expect(report.schools.map((s) => [s.school.name, s.behind, s.items.length])).toEqual([
      ["县实小", 23, 40],
      ["杨庄", 7, 17],
      ["青龙沟", 3, 11],
      ["石门", 9, 11],
    ]);
  });

  it("lists what is behind first, most remaining first", () => {
    const firstMet = report.items.findIndex((i) => i.met);
    expect(report.items.slice(firstMet).every((i) => i.met)).toBe(true);
    expect(report.items[0]?.remaining).toBe(2);
  });

  it("knows the planned records and the weeks left", () => {
    expect(report.plannedActivities).toBe(5);
    expect(report.weeksLeft).toBe(8);
  });

  it("counts a planned record as done once its day has passed", () => {
    const later = computeProgress({ targets: DEFAULT_TARGETS, schools, pairs, activities, term, today: "2026-12-20" });
    const art = later.items.find((i) => i.target.kind === "主题活动" && key(i.scope) === "1—4");
    expect(art).toMatchObject({ done: 1, planned: 0, met: true });
  });
});

describe("the other seeds' templates", () => {
  it("seed 001: monthly 联合调研, weekly 同课异构, one 研究课题 a year", () => {
    const t = { name: "2026年秋季学期", start: "2026-09-01", end: "2027-01-16" };
    const acts = [
      a("教研活动", "2026-09-10", 1, 1, []),
      a("教研活动", "2026-10-10", 1, 1, []),
      a("教研活动", "2026-03-10", 1, 1, []),
      a("同课异构", "2026-09-03", 1, 1, []),
      a("同课异构", "2026-09-10", 1, 1, []),
    ];
    const r = computeProgress({ targets: TARGET_TEMPLATES.教联体 ?? [], schools, pairs: [], activities: acts, term: t, today: TODAY });
    const by = Object.fromEntries(r.items.map((i) => [i.target.label ?? i.target.kind, [i.done, i.min]]));
    // Sep–Jan is 5 months; Sep 1 – Jan 16 is 20 weeks; the school year began on Sep 1 (the March one is last year's).
    expect(by).toEqual({ 联合调研: [2, 5], 同课异构: [2, 20], 研究课题: [2, 1] });
  });

  it("seed 000: every school's 管理论坛 and the community's 德育 and monthly 课堂展示", () => {
    const acts = [a("管理论坛", "2026-10-10", 1, 1, [2]), a("德育活动", "2026-10-11", 3, 3, [])];
    const r = computeProgress({ targets: TARGET_TEMPLATES.紧密型 ?? [], schools, pairs: [], activities: acts, term, today: TODAY });
    const by = Object.fromEntries(r.items.map((i) => [`${i.target.label ?? i.target.kind}@${key(i.scope)}`, [i.done, i.min]]));
    expect(by).toEqual({
      "管理论坛@1": [1, 1],
      "管理论坛@2": [1, 1],
      "管理论坛@3": [0, 1],
      "管理论坛@4": [0, 1],
      "班主任会议@共同体": [1, 1],
      "德育交流@共同体": [1, 1],
      "课堂展示@共同体": [0, 5],
    });
  });
});

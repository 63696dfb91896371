/**
 * Visits (听评课, 参观学习, 挂职) as member and core schools actually write them, read by
 * core/direction.ts and counted by computeProgress against seed 002's 「成员校赴对方学习」 and
 * 听评课 targets. Each expectation was worked out by hand from the comment on its record.
 */
import { describe, expect, it } from "vitest";
import { visitDirection, type VisitInput } from "../../core/direction.ts";
import { computeProgress, type ProgressActivity, type ProgressSchool } from "../../core/progress.ts";
import { DEFAULT_TARGETS } from "../../core/targets.ts";

const [县实小, 杨庄, 青龙沟, 石门] = [1, 2, 3, 4];
const schools: ProgressSchool[] = [
  { id: 县实小, fullName: "安川县实验小学", name: "县实小", role: "core" },
  { id: 杨庄, fullName: "杨庄乡中心小学", name: "杨庄", role: "member" },
  { id: 青龙沟, fullName: "青龙沟村小学", name: "青龙沟", role: "member" },
  { id: 石门, fullName: "石门乡中心小学", name: "石门", role: "member" },
];
const typed = (v: Partial<VisitInput> & { hostSchoolId: number }): VisitInput => ({ schoolIds: [], peopleSchoolIds: [], namedGiverId: null, recorderSchoolId: null, ...v });

describe("who visited whom", () => {
  it.each([
    // 杨庄's coordinator: 「听课 县实小 执教=王芳」 (王芳 of 县实小 taught): 杨庄 watched at 县实小.
    ["member school watching the core school's teacher", typed({ hostSchoolId: 县实小, peopleSchoolIds: [县实小], recorderSchoolId: 杨庄 }), 杨庄, [县实小]],
    // 县实小's admin: 「听评课 县实小 参与=杨庄」: 杨庄 came to 县实小 (never 县实小 → 杨庄 with 主办 县实小).
    ["the host's admin naming who came", typed({ hostSchoolId: 县实小, schoolIds: [杨庄], recorderSchoolId: 县实小 }), 杨庄, [县实小]],
    // 县实小's admin: 「听评课 杨庄 主讲=王芳、李娜」 (mentor 王芳 of 县实小 watching mentee 李娜 at 杨庄).
    ["a mentor from elsewhere watching at the mentee's school", typed({ hostSchoolId: 杨庄, peopleSchoolIds: [县实小, 杨庄], recorderSchoolId: 县实小 }), 县实小, [杨庄]],
    // 石门's coordinator: 「参观学习 县实小 参与=青龙沟、石门」: its own school first among those who went.
    ["several visitors, the recorder's among them", typed({ hostSchoolId: 县实小, schoolIds: [青龙沟, 石门], recorderSchoolId: 石门 }), 石门, [县实小]],
    // 「杨庄到县实小」 or 听课校=杨庄: as named.
    ["named", typed({ hostSchoolId: 县实小, namedGiverId: 杨庄, recorderSchoolId: 县实小 }), 杨庄, [县实小]],
    // 杨庄's coordinator: 「说课 杨庄」: inside 杨庄.
    ["inside the recorder's own school", typed({ hostSchoolId: 杨庄, recorderSchoolId: 杨庄 }), 杨庄, []],
  ] as const)("%s", (_, input, giver, receivers) => {
    expect(visitDirection(input)).toEqual({ givingSchoolId: giver, receiverSchoolIds: receivers });
  });
});

describe("visits counted as seed 002 counts them", () => {
  const record = (kind: string, date: string, input: VisitInput): ProgressActivity => {
    const d = visitDirection(input);
    return { kind, date, hostSchoolId: input.hostSchoolId, givingSchoolId: d.givingSchoolId, receiverSchoolIds: d.receiverSchoolIds, schoolIds: [...input.schoolIds], people: [], pairId: null };
  };
  const activities = [
    record("听评课", "2026-10-10", typed({ hostSchoolId: 县实小, peopleSchoolIds: [县实小], recorderSchoolId: 杨庄 })), // 杨庄→县实小
    record("听评课", "2026-10-20", typed({ hostSchoolId: 县实小, schoolIds: [杨庄], recorderSchoolId: 县实小 })), // 杨庄→县实小
    record("听评课", "2026-11-02", typed({ hostSchoolId: 县实小, peopleSchoolIds: [县实小], recorderSchoolId: 青龙沟 })), // 青龙沟→县实小
    record("参观学习", "2026-11-05", typed({ hostSchoolId: 县实小, schoolIds: [青龙沟, 石门], recorderSchoolId: 石门 })), // 石门→县实小 only
    record("挂职", "2026-11-09", typed({ hostSchoolId: 县实小, recorderSchoolId: 石门 })), // 石门→县实小
    record("听评课", "2026-11-12", typed({ hostSchoolId: 杨庄, recorderSchoolId: 杨庄 })), // inside 杨庄: no pair
  ];
  const report = computeProgress({ targets: DEFAULT_TARGETS, schools, pairs: [], activities, term: { name: "2026年秋季学期", start: "2026-09-01", end: "2027-01-16" }, today: "2026-11-28" });
  const done = (label: string, giver: number) => report.items.find((i) => (i.target.label ?? i.target.kind) === label && i.scope.type === "pair" && i.scope.giverId === giver)?.done;

  it("counts each visit for the school that went", () => {
    expect([done("听评课", 杨庄), done("听评课", 青龙沟), done("听评课", 石门)]).toEqual([2, 1, 0]);
    expect([done("赴对方学习", 杨庄), done("赴对方学习", 青龙沟), done("赴对方学习", 石门)]).toEqual([0, 0, 1]);
    expect([done("挂职", 杨庄), done("挂职", 石门)]).toEqual([0, 1]);
  });
});

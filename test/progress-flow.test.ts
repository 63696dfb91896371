/**
 * Issue 9 through the real pipeline, as a county community would use it: who gave what to whom,
 * planned versus done across midnight in Beijing while the server runs in UTC, a far date asked
 * about, terms and targets the community sets, and /进度 on a phone.
 */
process.env.TZ = "UTC";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { Chat, startTestApp } from "./support/harness.ts";
import { unique } from "./support/env.ts";

const START = new Date("2026-11-28T04:00:00Z"); // Saturday 12:00 in Beijing
let clock = START;
let app: App;
beforeAll(async () => {
  app = await startTestApp({}, () => clock);
});
afterAll(async () => app?.close());

async function county(extra: string[] = []): Promise<Chat & { community: string }> {
  const g = new Chat(app, unique("g"), unique("u"), "王主任") as Chat & { community: string };
  g.community = unique("安川县共同体");
  await g.says(`/绑定 ${g.community}`);
  for (const line of [
    "/学校 添加 安川县实验小学 核心 县实小",
    "/学校 添加 杨庄乡中心小学 成员 杨庄",
    "/学校 添加 青龙沟村小学 成员 青龙沟",
    "/学校 添加 石门乡中心小学 成员 石门",
    "/成员 王主任 县实小 管理员",
    "/成员 王芳 县实小 教师",
    "/成员 李娜 杨庄 教师",
    ...extra,
  ]) {
    await g.says(line);
  }
  return g;
}

describe("who gave it and to whom", () => {
  it("calls it 送教 only when held at the receiving school, as /进度 counts it", async () => {
    const g = await county();
    expect(await g.says("/记录 示范课 11.19 县实小 参与=杨庄")).toContain("方向：县实小 → 杨庄（在县实小举行，不算送教）");
    expect(await g.says("/记录 示范课 11.20 杨庄")).toContain("方向：县实小 → 杨庄 送教");
    expect(await g.says("/进度 详细")).toMatch(/⚠️示范课：.*→杨庄 1\/2/);
  });

  it("takes the giver from 主讲= naming a member, else the recorder's school, and shows the direction", async () => {
    const g = await county();
    const byMember = await g.says("/记录 示范课 11.20 杨庄 主讲=王芳 语文");
    expect(byMember).toContain("方向：县实小 → 杨庄 送教");
    // 李娜 records her own 公开课 with the core school attending: 杨庄 gave it, not 县实小.
    const li = g.as(unique("u"), "李娜");
    expect(await li.says("/记录 公开课 11.21 参与=县实小")).toContain("方向：杨庄 → 县实小");
    // Recorded by the core school's admin with no member named: the recorder's school gives.
    expect(await g.says("/记录 专题讲座 11.22 青龙沟")).toContain("方向：县实小 → 青龙沟 送教");
    // Corrected afterwards: 青龙沟's own lecture.
    const fixed = await g.says("/修改 3 主讲校=青龙沟");
    expect(fixed).toContain("方向：青龙沟 校内");
    // Naming a member as 主讲 moves the giver to their school.
    expect(await g.says("/修改 1 主讲=李娜")).toContain("方向：杨庄 校内");
    expect((await g.activities())[0]).toMatchObject({ givingSchool: "杨庄乡中心小学", receiverSchools: [] });
    const log = await app.db.auditLog.findMany({ where: { entity: "activity", action: "update", community: { name: g.community } } });
    expect(log[0]?.after).toMatchObject({ givingSchoolId: expect.any(Number), receiverSchoolIds: [] });
  });

  it("records from '@机器人 记录 …' without the slash when the robot was mentioned", async () => {
    const g = await county();
    expect(await g.says("记录 送教下乡 10.27 杨庄 约60人", { mentioned: true })).toMatch(/已记录 #1[\s\S]*类型：示范课[\s\S]*人数：60人/);
    expect(await g.says("记录 教研 27号 杨庄小学")).toBe(""); // not addressed: ordinary chatter
    expect(await g.activities()).toHaveLength(1);
  });

  it("builds examples from the community's own schools, never the demo's", async () => {
    const g = await county();
    const help = await g.says("/帮助 记录");
    expect(help).toContain("例如：/记录 示范课 11月20日 县实小 语文");
    expect(help).toContain("参与=杨庄、青龙沟");
    expect(help).not.toMatch(/二小|郝家也|双庙/);
    expect(await g.says("/记录 示范课 11月20日 火星校")).toMatch(/例如：\/记录 示范课 11月20日 县实小 语文/);
  });

  it("answers an unauthorised /撤销 in 撤销 words", async () => {
    const g = await county();
    await g.says("/记录 集备 11.20 杨庄");
    expect(await g.as(unique("u"), "路人").says("/撤销 1")).toBe("记录 #1 不是你登记的，只有登记人（7天内）或管理员可以撤销。");
  });
});

describe("planned versus done", () => {
  it("counts tomorrow's record only after midnight in Beijing, though it is still the same day in UTC", async () => {
    const g = await county();
    expect(new Date().getTimezoneOffset()).toBe(0);
    clock = new Date("2026-11-27T15:30:00Z"); // 23:30 Friday in Beijing, Friday in UTC
    try {
      const reply = await g.says("/记录 集体备课 11月28日 杨庄 主讲=王芳");
      expect(reply).toMatch(/📅 计划：2026年11月28日，到那天才计入完成/);
      expect(await g.says("/进度 县实小")).toContain("⚠️集体备课：→杨庄 0/2（另有1项计划）");
      expect(await g.says("/列表")).toMatch(/共 0 条记录。\n📅 近期安排 1 条（不计入完成）：\n#1 2026-11-28 集体备课/);
      expect(await g.says("/列表 计划")).toMatch(/近期安排共 1 条/);
      clock = new Date("2026-11-27T16:30:00Z"); // 00:30 Saturday in Beijing, still Friday in UTC
      expect(await g.says("/进度 县实小")).toMatch(/⚠️集体备课：.*→杨庄 1\/2/);
      expect(await g.says("/列表 计划")).toMatch(/还没有今天之后的安排/);
    } finally {
      clock = START;
    }
  });

  it("asks before recording a date more than 60 days ahead, and records only on 是", async () => {
    const g = await county();
    expect(await g.says("/记录 艺术节 2027-10-14 县实小")).toMatch(/^是 2027年10月14日 吗？回复「是」确认/);
    expect(await g.activities()).toHaveLength(0);
    expect(await g.says("是")).toMatch(/已记录 #1[\s\S]*计划：2027年10月14日/);
    expect(await g.says("/记录 艺术节 2027-09-14 县实小")).toMatch(/^是 2027年9月14日 吗/);
    expect(await g.says("否")).toMatch(/没有记录/);
    expect(await g.says("/记录 艺术节 12月18日 县实小")).toMatch(/已记录 #2[\s\S]*计划/); // 20 days ahead: no question
    expect(await g.activities()).toHaveLength(2);
    // The same question when a record is moved that far by /修改.
    expect(await g.says("/修改 2 日期=2027-08-01")).toMatch(/^是 2027年8月1日 吗？/);
    expect(await g.says("是")).toMatch(/已修改 #2[\s\S]*日期：2027-08-01/);
  });
});

describe("terms and targets the community sets", () => {
  it("sets the term, shows weeks left, and counts progress in it", async () => {
    const g = await county();
    expect(await g.says("/学期")).toMatch(/2026年秋季学期：2026-09-01 至 2027-01-31[\s\S]*未设置学期/);
    expect(await g.says("/學期 設置 2026-09-01 2027-01-16 秋季學期")).toMatch(/已设置学期[\s\S]*2026年秋季学期：2026-09-01 至 2027-01-16，共 20 周；今天是第 13 周，还剩 8 周/);
    expect(await g.says("/进度")).toMatch(/2026年秋季学期，剩 8 周/);
    expect(await g.as(unique("u"), "路人").says("/学期 设置 2026-09-01 2027-01-16")).toMatch(/只有管理员可以设置学期/);
  });

  it("applies a template, sets, lists and deletes targets, every change audited", async () => {
    const g = await county();
    expect(await g.says("/目标 列表")).toMatch(/未设置目标，按默认模板「对口协作」统计：\n1\. 联席会议（对口协作会议） 核心校—成员校双方 每学期 ≥ 1/);
    expect(await g.says("/目标 模板 教联体")).toMatch(/已套用模板「教联体」（2026年秋季学期，3 项）/);
    expect(await g.says("/目标 设置 示范课 核心校→成员校 2")).toMatch(/已添加目标：示范课 核心校→成员校（在对方校） 每学期 ≥ 2/);
    expect(await g.says("/目標 設置 示範課 核心校→成員校 3")).toMatch(/已修改目标：.*≥ 3（原为 ≥ 2）/);
    expect(await g.says("/目标 列表")).toMatch(/目标（4 项）[\s\S]*4\. 示范课 核心校→成员校（在对方校） 每学期 ≥ 3/);
    expect(await g.says("/进度 县实小")).toMatch(/⚠️示范课：→杨庄 0\/3/);
    expect(await g.says("/目标 删除 1")).toMatch(/已删除目标：教研活动（联合调研） 共同体 每月 ≥ 1/);
    expect(await g.says("/目标 删除 示范课 核心校→成员校")).toMatch(/已删除目标：示范课/);
    expect(await g.as(unique("u"), "路人").says("/目标 模板 对口协作")).toMatch(/只有管理员可以设置目标/);
    const actions = await app.db.auditLog.findMany({ where: { entity: "target", community: { name: g.community } }, orderBy: { id: "asc" } });
    expect(actions.map((x) => x.action)).toEqual(["replace", "create", "update", "delete", "delete"]);
  });
});

describe("/进度 on a phone", () => {
  it("fits a 5-school community in under 600 characters, standing first, only what is behind", async () => {
    const g = await county(["/学校 添加 柳河镇中心小学 成员 柳河"]);
    await g.says("/记录 示范课 11.20 杨庄 主讲=王芳");
    await g.says("/记录 联席会议 11.02 县实小 参与=杨庄、青龙沟、石门、柳河");
    const text = await g.says("/进度");
    expect(text.length).toBeLessThan(600);
    const lines = text.split("\n");
    expect(lines[1]).toMatch(/^共同体：\d+ 项目标达成 4 项；拖后腿的是 县实小（40 项目标中还差 \d+ 项）（两校共同的目标只计一次）$/);
    expect(lines.filter((l) => l.startsWith("【"))).toHaveLength(5);
    expect(text).toMatch(/【县实小】还差 \d+ 项（剩 10 周）：.*；已达标 4 项/);
    expect(text).not.toMatch(/✅/);
    const detail = await g.says("/进度 杨庄");
    expect(detail).toContain("✅对口协作会议—县实小 1/1");
    expect(detail).not.toContain("青龙沟");
  });
});

describe("binding is never silent", () => {
  it("asks before moving a bound group to a new community, naming both", async () => {
    const g = await county();
    const other = `${g.community}二`;
    expect(await g.says(`/绑定 ${other}`)).toMatch(new RegExp(`^本群已绑定「${g.community}」，改绑到新建的「${other}」吗？回复「确认」`));
    expect(await g.says("否")).toMatch(/没有改动/);
    expect(await g.says("/列表")).toMatch(/还没有记录/); // still the old community
    await g.says(`/绑定 ${other}`);
    expect(await g.says("确认")).toMatch(new RegExp(`已创建共同体「${other}」`));
  });

  it("asks before creating a community named like an existing one", async () => {
    const g = await county();
    const name = `安川县实验小学教育共同体${unique("")}`;
    await new Chat(app, unique("g"), unique("u"), "甲").says(`/绑定 ${name}`);
    const near = name.replace("教育共同体", "共同体");
    const fresh = new Chat(app, unique("g"), unique("u"), "乙");
    expect(await fresh.says(`/绑定 ${near}`)).toMatch(new RegExp(`^已有名称相近的共同体「${name}」。确实要新建「${near}」吗？`));
    expect(await fresh.says("/列表")).toMatch(/还没有绑定/);
    expect(await fresh.says(`/绑定 ${near}`)).toMatch(/名称相近/);
    expect(await fresh.says("确认")).toMatch(/已创建共同体/);
    // Names that differ only in a number are different communities: no question.
    const first = `临河县第一小学教育共同体${unique("")}`;
    const second = first.replace("第一", "第二");
    await new Chat(app, unique("g"), unique("u"), "丙").says(`/绑定 ${first}`);
    expect(await new Chat(app, unique("g"), unique("u"), "丁").says(`/绑定 ${second}`)).toMatch(/已创建共同体/);
    expect(g).toBeDefined();
  });
});

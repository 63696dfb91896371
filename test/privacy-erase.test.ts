/**
 * Deletion on request (PIPL 第47条) with the community's books whole: /注销 (the person, 1:1,
 * confirmed), /删除成员 (an admin), /删除共同体 (an admin, confirmed twice). Each proof searches
 * every table of the database for the person's account ids and name.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, Chat, startTestApp } from "./support/harness.ts";
import { unique } from "./support/env.ts";
import { tablesContaining } from "./support/leftovers.ts";
import { xlsx } from "./support/ledgers.ts";

let app: App;
beforeAll(async () => {
  app = await startTestApp({ FORM_SECRET: "e".repeat(40) });
});
afterAll(async () => app?.close());

const communityOf = async (g: Chat) => (await app.db.chatGroup.findFirstOrThrow({ where: { chatId: g.chatId } })).communityId;
const progressLine = (text: string) => text.split("\n").slice(0, 3).join("\n");

/** A teacher with a recognisable name who records in the group and in a 1:1 chat, and is named in a pair and a record. */
async function teacherWithHistory() {
  const admin = await boundGroup(app);
  const name = `林${unique("").slice(0, 6)}`;
  const teacher = admin.as(unique("u"), name);
  await admin.says(`/成员 ${name} 二小 教师`);
  expect(await teacher.says("/记录 示范课 11月20日 二小 参与=郝家也 语文 备注=很好")).toMatch(/已记录/);
  await admin.says(`/结对 ${name} 王主任 语文`);
  await admin.says(`/记录 听评课 11月18日 郝家也 主讲=${name} 备注=${name}讲得好`);
  const dm = new Chat(app, teacher.userId, teacher.userId, name);
  expect(await dm.says("/记录 集体备课 11月19日 二小", { chatType: "direct" })).toMatch(/已记录/);
  return { admin, teacher, dm, name };
}

describe("/注销", () => {
  it("removes the person's accounts, name and messages; their records stay as 已注销成员 and the counts do not change", async () => {
    const { admin, teacher, dm, name } = await teacherWithHistory();
    const before = progressLine(await admin.says("/进度"));
    const listBefore = (await admin.says("/列表")).split("\n").length;
    expect(await tablesContaining(app.db, teacher.userId)).not.toEqual([]);

    expect(await teacher.says("/注销")).toMatch(/请在和我的单聊中发送 \/注销/);
    const ask = await dm.says("/注销", { chatType: "direct" });
    expect(ask).toMatch(/将删除你在「.+」的个人信息[\s\S]*已注销成员[\s\S]*\/我的数据[\s\S]*确认删除请发送：\/注销 确认/);
    expect(await dm.says("/注销 好的", { chatType: "direct" })).toMatch(/没有删除。要删除请发送：\/注销 确认/);
    expect(await tablesContaining(app.db, teacher.userId)).not.toEqual([]); // nothing happened yet
    const done = await dm.says("/注销 确认", { chatType: "direct" });
    expect(done).toMatch(/✅ 已删除你在「.+」的个人信息/);
    expect(done).not.toContain(name);

    expect(await tablesContaining(app.db, teacher.userId)).toEqual([]);
    expect(await tablesContaining(app.db, name)).toEqual([]);
    expect(progressLine(await admin.says("/进度"))).toBe(before);
    const list = await admin.says("/列表");
    expect(list.split("\n").length).toBe(listBefore);
    const cid = await communityOf(admin);
    const recorders = await app.db.activity.findMany({ where: { communityId: cid }, select: { recorder: { select: { displayName: true } } } });
    expect(recorders.map((a) => a.recorder.displayName).sort()).toEqual(["已注销成员", "已注销成员", "王主任"]);
    expect(await app.db.activity.count({ where: { communityId: cid, revokedAt: null } })).toBe(3);
    expect(await app.db.auditLog.count({ where: { communityId: cid, action: "erase", entity: "member" } })).toBe(1);
    // A redelivered confirmation finds nothing left; speaking again enrols a new member, told again.
    expect(await dm.says("/注销 确认", { chatType: "direct" })).toMatch(/没有保存你的个人信息/);
    expect(await teacher.says("/列表")).toMatch(/个人信息提示/);
  });

  it("refuses the only admin, who must hand the role on first", async () => {
    const admin = await boundGroup(app);
    const dm = new Chat(app, admin.userId, admin.userId, admin.userName);
    expect(await dm.says("/注销 确认", { chatType: "direct" })).toMatch(/唯一的管理员.*\/成员 张三 管理员/);
    expect(await tablesContaining(app.db, admin.userId)).not.toEqual([]);
  });

  it("answers someone the bot keeps nothing about, and refuses a too long confirmation", async () => {
    const dm = new Chat(app, unique("u"), unique("u"), "过客");
    expect(await dm.says("/注销", { chatType: "direct" })).toMatch(/没有保存你的个人信息/);
    expect(await dm.says(`/注销 ${"确".repeat(60)}`, { chatType: "direct" })).toMatch(/只写「确认」|用法|例如/);
  });
});

describe("/删除成员", () => {
  it("an admin deletes a member after a confirmation; name and ids are gone, the records stay", async () => {
    const { admin, teacher, dm, name } = await teacherWithHistory();
    const cid0 = await communityOf(admin);
    // A wrong /关联 code (counted per account, outside the community) and two uploaded ledgers, one naming them.
    await dm.says("/关联 000000", { chatType: "direct" });
    expect(await app.db.linkCodeFailure.count({ where: { platform: "sim", userId: teacher.userId } })).toBe(1);
    const ledger = (teacherName: string) =>
      xlsx((wb) =>
        wb.addWorksheet("台账").addRows([
          ["活动形式", "时间", "承办学校", "执教教师"],
          ["示范课", "2026-11-03", "二小", teacherName],
        ]),
      );
    const adminId = (await app.db.member.findFirstOrThrow({ where: { communityId: cid0, displayName: admin.userName } })).id;
    const naming = await app.db.ledgerImport.create({ data: { communityId: cid0, memberId: adminId, fileName: "台账.xlsx", sha256: "a", data: new Uint8Array(await ledger(name)) } });
    const other = await app.db.ledgerImport.create({ data: { communityId: cid0, memberId: adminId, fileName: "台账2.xlsx", sha256: "b", data: new Uint8Array(await ledger("郭老师")) } });
    const before = progressLine(await admin.says("/进度"));
    expect(await admin.says(`/删除成员 ${name}`)).toMatch(new RegExp(`将删除「${name}」[\\s\\S]*确认删除请发送：/删除成员 ${name} 确认`));
    expect(await tablesContaining(app.db, name)).not.toEqual([]);
    const done = await admin.says(`/删除成员 ${name} 确认`);
    expect(done).toMatch(/✅ 已删除该成员的个人信息/);
    expect(await tablesContaining(app.db, teacher.userId)).toEqual([]);
    expect(await tablesContaining(app.db, name)).toEqual([]);
    expect(progressLine(await admin.says("/进度"))).toBe(before);
    const cid = await communityOf(admin);
    const entry = await app.db.auditLog.findFirstOrThrow({ where: { communityId: cid, action: "erase" } });
    expect(entry).toMatchObject({ entity: "member", before: null, after: null });
    expect(await app.db.linkCodeFailure.count({ where: { platform: "sim", userId: teacher.userId } })).toBe(0);
    expect((await app.db.ledgerImport.findUniqueOrThrow({ where: { id: naming.id } })).data.length).toBe(0);
    expect((await app.db.ledgerImport.findUniqueOrThrow({ where: { id: other.id } })).data.length).toBeGreaterThan(0);
    expect(await admin.says(`/导入 确认 ${naming.id}`)).toMatch(/已清除（过了保存期限，或有人申请删除个人信息）.*重新发送 \/导入/);
  });

  it("a placeholder member's outstanding claim code dies with it (nobody can claim 已注销成员)", async () => {
    const admin = await boundGroup(app);
    const name = `韩${unique("").slice(0, 6)}`;
    await admin.says(`/成员 ${name} 二小 校长`);
    const adminDm = new Chat(app, admin.userId, admin.userId, admin.userName);
    const code = /认领码：(\S+?)（/.exec(await adminDm.says(`/认领码 ${name}`, { chatType: "direct" }))?.[1] ?? "";
    expect(code).not.toBe("");
    expect(await admin.says(`/删除成员 ${name} 确认`)).toMatch(/✅ 已删除该成员的个人信息/);
    expect(await app.db.memberClaim.count({ where: { code } })).toBe(0);
    const stranger = new Chat(app, unique("u"), unique("u"), "路人");
    expect(await stranger.says(`/认领 ${code}`, { chatType: "direct" })).toMatch(/认领码不对或已过期/);
    expect(await tablesContaining(app.db, name)).toEqual([]);
  });

  it("refuses bad input and the wrong people, deleting nothing", async () => {
    const admin = await boundGroup(app);
    const teacher = admin.as(unique("u"), "吴老师");
    await teacher.says("/列表");
    expect(await admin.says("/删除成员")).toMatch(/请写上成员姓名。例如：\/删除成员 张三/);
    expect(await admin.says("/删除成员 不存在的人")).toMatch(/没有叫「不存在的人」的成员/);
    expect(await admin.says(`/删除成员 ${"长".repeat(31)}`)).toMatch(/不超过30个字/);
    expect(await admin.says(`/删除成员 ${admin.userName} 确认`)).toMatch(/在和我的单聊中发送 \/注销/);
    expect(await teacher.says("/删除成员 王主任 确认")).toMatch(/只有管理员可以删除成员/);
    expect(await app.db.member.count({ where: { communityId: await communityOf(admin), erasedAt: { not: null } } })).toBe(0);
  });
});

describe("/删除共同体", () => {
  it("offers the exports, asks twice, then removes every row of the community", async () => {
    const { admin, teacher, name } = await teacherWithHistory();
    const cid = await communityOf(admin);
    const community = (await app.db.community.findUniqueOrThrow({ where: { id: cid } })).name;
    expect(await teacher.says("/删除共同体")).toMatch(/只有管理员可以删除共同体/);
    expect(await admin.says("/删除共同体")).toMatch(new RegExp(`全部数据[\\s\\S]*/导出 台账[\\s\\S]*第一次确认：发送 /删除共同体 ${community}`));
    expect(await admin.says("/删除共同体 别的名字")).toMatch(/共同体名称不对，什么也没有删除/);
    const second = await admin.says(`/删除共同体 ${community}`);
    const code = /\/删除共同体 \S+ (\d{6})/.exec(second)?.[1] ?? "";
    expect(code).toMatch(/^\d{6}$/);
    expect(await admin.says(`/删除共同体 ${community} 000000${code === "000000" ? "1" : ""}`)).toMatch(/确认码不对或已过期/);
    expect(await app.db.community.count({ where: { id: cid } })).toBe(1);
    expect(await admin.says(`/删除共同体 ${community} ${code}`)).toMatch(/✅ 已删除共同体/);

    for (const needle of [teacher.userId, admin.userId, name, community, admin.chatId]) expect(await tablesContaining(app.db, needle)).toEqual([]);
    expect(await admin.says("/列表")).toMatch(/还没有绑定共同体/);
  });
});

/**
 * Roles belong to platform accounts, never to display names: an impostor who calls themselves
 * 王芳 gets nothing 王芳 was given, however early they speak. The simulator's `mentions` speak
 * DingTalk's atUsers (one staffId per mentioned person, the robot excluded by the adapter).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../app/app.ts";
import { unique } from "../support/env.ts";
import { boundGroup, Chat, startTestApp } from "../support/harness.ts";

let app: App;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const direct = { chatType: "direct" };
const mention = (userId: string) => ({ mentions: [{ userId }] });
const EXPORT_REFUSED = /只有管理员和校长可以导出/;

describe("a role given by name", () => {
  it("is a placeholder: the first account that speaks under that name gets nothing", async () => {
    const g = await boundGroup(app);
    expect(await g.says("/成员 王芳 郝家也 校长")).toMatch(/王芳」还没有在群里发过言[\s\S]*认领前不生效/);
    const impostor = g.as(unique("fake"), "王芳");
    expect(await impostor.says("/导出 台账")).toMatch(EXPORT_REFUSED);
    expect(await impostor.says("/进度")).not.toMatch(/出错/);
  });

  it("goes to the one account that has spoken under the name, and the reply names that account", async () => {
    const g = await boundGroup(app);
    const wang = g.as(unique("wf"), "王芳");
    await wang.says("/帮助");
    expect(await g.says("/成员 王芳 郝家也 校长")).toMatch(new RegExp(`已设置成员：王芳，郝家也中心小学，校长（模拟账号 ${wang.userId}）`));
    expect(await wang.says("/导出 台账")).not.toMatch(EXPORT_REFUSED);
    // A second account now calling itself 王芳 is a different member.
    expect(await g.as(unique("fake"), "王芳").says("/导出 台账")).toMatch(EXPORT_REFUSED);
  });

  it("is refused when two accounts have spoken under it, with the way to say which", async () => {
    const g = await boundGroup(app);
    await g.as(unique("a"), "李娜").says("/帮助");
    await g.as(unique("b"), "李娜").says("/帮助");
    expect(await g.says("/成员 李娜 双庙 校长")).toMatch(/有 2 位发过言的「李娜」[\s\S]*\/成员 @李娜/);
  });
});

describe("a role given to an account", () => {
  it("an @-mention gives it to the mentioned account, before that person ever spoke; an impostor of the same name gets nothing", async () => {
    const g = await boundGroup(app);
    const real = unique("zs");
    expect(await g.says("/成员 @张三 二小 校长", mention(real))).toMatch(/已添加成员：张三，清涧县第二小学，校长（模拟账号/);
    expect(await g.as(unique("fake"), "张三").says("/导出 台账")).toMatch(EXPORT_REFUSED);
    expect(await g.as(real, "张三（二小）").says("/导出 台账")).not.toMatch(EXPORT_REFUSED);
  });

  it("the mention takes over the admin's earlier placeholder of that name", async () => {
    const g = await boundGroup(app);
    await g.says("/成员 赵六 双庙 教师");
    const real = unique("zl");
    expect(await g.says("/成员 @赵六 联络员", mention(real))).toMatch(/已设置成员：赵六，双庙中心小学，联络员/);
    const list = await g.as(real, "赵六").says("/记录 示范课 11月20日 双庙 语文");
    expect(list).toMatch(/已记录/);
  });

  it("账号= names the account on platforms that give no mention ids; bad accounts and two mentions are refused", async () => {
    const g = await boundGroup(app);
    const real = unique("ls");
    expect(await g.says(`/成员 李四 郝家也 校长 账号=${real}`)).toMatch(/已添加成员：李四，郝家也中心小学，校长/);
    expect(await g.as(real, "四哥").says("/导出 台账")).not.toMatch(EXPORT_REFUSED);
    expect(await g.says("/成员 李四 校长 账号=李四！")).toMatch(/账号只含字母/);
    expect(await g.says("/成员 @甲 校长", { mentions: [{ userId: unique("p") }, { userId: unique("q") }] })).toMatch(/一次只能设置一位成员/);
  });
});

describe("claim codes", () => {
  it("an admin gets a one-time code 1:1; the person claims the placeholder 1:1 from their own account", async () => {
    const g = await boundGroup(app);
    await g.says("/成员 孙七 郝家也 校长");
    expect(await g.says("/认领码 孙七")).toMatch(/认领码只在单聊中发放/);
    const adminDm = new Chat(app, g.userId, g.userId, g.userName);
    const code = /认领码：([A-Z2-9]{8})/.exec(await adminDm.says("/认领码 孙七", direct))?.[1];
    expect(code).toBeDefined();
    const sun = unique("sun");
    const sunDm = new Chat(app, sun, sun, "孙七");
    expect(await sunDm.says(`/认领 ${code}`, { chatType: "group" })).toMatch(/请与我单聊/);
    expect(await sunDm.says(`/认领 ${code}`, direct)).toMatch(/已认领[\s\S]*孙七/);
    expect(await g.as(sun, "孙七").says("/导出 台账")).not.toMatch(EXPORT_REFUSED);
    // One use only: a second account with the same code gets nothing.
    const other = unique("o");
    expect(await new Chat(app, other, other, "孙七").says(`/认领 ${code}`, direct)).toMatch(/认领码不对或已过期/);
    expect(await new Chat(app, other, other, "孙七").says("/认领 乱码！", direct)).toMatch(/例如：\/认领/);
  });
});

describe("roles an earlier version gave by name", () => {
  it("the next admin hears once which are suspended; /成员 for the account restores them", async () => {
    const g = await boundGroup(app);
    const wang = g.as(unique("wf"), "王芳");
    await wang.says("/帮助");
    // As the identity migration leaves a name-linked principal.
    const member = await app.db.member.findFirstOrThrow({ where: { identities: { some: { userId: wang.userId } } } });
    await app.db.member.update({ where: { id: member.id }, data: { roles: ["teacher"], unconfirmedRoles: ["principal"] } });
    await app.db.community.update({ where: { id: member.communityId }, data: { identityNoticePending: true } });
    expect(await wang.says("/进度")).not.toMatch(/安全升级/); // told to admins only
    expect(await wang.says("/导出 台账")).toMatch(EXPORT_REFUSED);
    expect(await g.says("/列表")).toMatch(/安全升级[\s\S]*王芳（校长）[\s\S]*\/成员 @王芳 校长/);
    expect(await g.says("/列表")).not.toMatch(/安全升级/);
    expect(await g.says("/成员 @王芳 校长", mention(wang.userId))).toMatch(/已设置成员：王芳/);
    expect(await wang.says("/导出 台账")).not.toMatch(EXPORT_REFUSED);
    expect((await app.db.member.findUniqueOrThrow({ where: { id: member.id } })).unconfirmedRoles).toEqual([]);
  });
});

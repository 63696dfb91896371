/**
 * Issue 25, deliverable 6: fewer messages and shorter ones. A community like the demo one (seed
 * 004 篇一) is set up in a handful of messages (several schools, several members at once), then
 * /帮助, /周报, /进度 详细 and a few mistakes are measured against one phone screen.
 * SHOW_REPLIES=1 prints each reply and the figures.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { handleInbound } from "../commands/index.ts";
import { DEFAULT_SETTINGS } from "../commands/core/types.ts";
import { createDatabase, type Database } from "../db/client.ts";
import { Chat, startTestApp, TEST_NOW } from "./support/harness.ts";
import { TEST_DATABASE_URL, unique } from "./support/env.ts";

let app: App;
let direct: Database;
beforeAll(async () => {
  app = await startTestApp();
  direct = createDatabase(TEST_DATABASE_URL, 2);
});
afterAll(async () => {
  await direct?.db.$disconnect();
  await direct?.sql.end();
  await app?.close();
});

const SCHOOLS = ["/学校 添加", "清涧县第二小学 核心 二小 第二小学", "郝家也中心小学 郝家也", "店则沟九年制学校 店则沟", "寨沟中心小学 寨沟", "双庙中心小学 双庙"].join("\n");
const MEMBERS = ["/成员 惠彦钧 二小 管理员", "李周周 郝家也 校长", "李延卫 店则沟 校长", "白小晶 寨沟 校长"].join("\n");
const RECORDS = [
  "/记录 联席会议 11月7日 二小 参与=郝家也、店则沟、寨沟、双庙 备注=听取支教顶岗教师工作汇报",
  "/记录 示范课 11月12日 二小 参与=郝家也 语文 《秋天的雨》 45人",
  "/记录 送课下乡 11月18日 二小 参与=双庙 英语 30人",
  "/记录 参观学习 11月20日 二小 参与=寨沟、店则沟 32人",
  "/记录 对调交流 11月3日 二小 参与=郝家也 3人",
  "/记录 听评课 11月19日 郝家也 数学 执教=李周周 8人",
  "/记录 集体备课 11月25日 双庙 语文",
].join("\n");

const size = (text: string) => ({ chars: [...text].length, lines: text.split("\n").length });
const show = (label: string, text: string) => {
  if (process.env.SHOW_REPLIES) console.log(`=== ${label} ${JSON.stringify(size(text))}\n${text}`);
  return text;
};

/** The demo community in six messages; the principal of 郝家也 spoke before being named. */
async function demoCommunity(): Promise<{ admin: Chat; principal: Chat; messages: number }> {
  const admin = new Chat(app, unique("g"), unique("u"), "惠彦钧");
  const principal = admin.as(unique("u"), "李周周");
  const sent = [`/绑定 ${unique("清涧县第二小学教育共同体")}`, SCHOOLS, MEMBERS, RECORDS, "/结对 惠彦钧 白小晶 语文"];
  await admin.says(sent[0]!);
  await principal.says("/帮助");
  for (const text of sent.slice(1)) await admin.says(text, { mentioned: true });
  return { admin, principal, messages: sent.length };
}

describe("setting up a community in a few messages", () => {
  it("adds several schools and several members at once, and lists members and pairs", async () => {
    const { admin, messages } = await demoCommunity();
    expect(messages).toBeLessThanOrEqual(6);
    const schools = await admin.says("/学校 列表");
    expect(schools).toContain("共 5 所学校");
    expect(schools).toContain("【核心】清涧县第二小学（简称：二小、第二小学）");
    expect(schools).toContain("【成员】双庙中心小学（简称：双庙）");
    const members = show("/成员 列表", await admin.says("/成员 列表"));
    expect(members).toMatch(/【二小】管理员 惠彦钧/);
    expect(members).toContain("【郝家也】校长 李周周");
    expect(members).toContain("【寨沟】校长 白小晶");
    const pairs = show("/结对 列表", await admin.says("/结对 列表"));
    expect(pairs).toContain("师徒结对 1 对");
    expect(pairs).toContain("1. 惠彦钧（二小） → 白小晶（寨沟） 语文");
    expect((await admin.activities()).length).toBe(7);
  });

  it("adds schools listed with 、, one refused part losing no other and writing nothing", async () => {
    const g = new Chat(app, unique("g"), unique("u"), "王主任");
    await g.says(`/绑定 ${unique("共同体")}`);
    await g.says("/学校 添加 清涧县第二小学 核心 二小");
    const reply = await g.says("/学校 添加 郝家也中心小学、甲、双庙中心小学 成员");
    expect(reply).toContain("已添加成员校：郝家也中心小学");
    expect(reply).toContain("已添加成员校：双庙中心小学");
    // A one-character name: refused, named with its reason.
    expect(reply).toContain("未处理 1 条：\n第2条「添加 甲 成员」：「全称」至少两个字");
    const list = await g.says("/学校 列表");
    expect(list).toContain("共 3 所学校");
    expect(list).not.toContain("【成员】甲");
  });

  it("sets several members a line each; a bad line is refused, the others set; a non-admin is told once", async () => {
    const g = new Chat(app, unique("g"), unique("u"), "王主任");
    await g.says(`/绑定 ${unique("共同体")}`);
    await g.says("/学校 添加 清涧县第二小学 核心 二小\n郝家也中心小学 郝家也");
    const reply = await g.says("/成员 张三、李四 郝家也 教师\n王五 火星校 校长\n赵六 二小 联络员");
    expect(reply).toContain("已添加成员：张三，郝家也中心小学，教师");
    expect(reply).toContain("已添加成员：李四，郝家也中心小学，教师");
    expect(reply).toContain("已添加成员：赵六，清涧县第二小学，联络员");
    expect(reply).toMatch(/第3条「王五 火星校 校长」：没看懂「火星校」/);
    const members = await g.says("/成员 列表");
    expect(members).not.toContain("王五");
    expect(members).toContain("教师 2 位：张三、李四");
    const teacher = g.as(unique("u"), "孙老师");
    // (A first-time sender also gets the privacy notice after the answer.)
    expect(await teacher.says("/成员 甲 二小 校长\n乙 二小 教师")).toMatch(/^只有管理员可以设置成员。如需权限，请联系本共同体管理员。\n例如：\/成员 @张三 二小 校长(\n|$)/);
  });

  it("lists nothing yet in words, with how to add", async () => {
    const g = new Chat(app, unique("g"), unique("u"), "王主任");
    await g.says(`/绑定 ${unique("共同体")}`);
    expect(await g.says("/结对 列表")).toMatch(/还没有登记师徒结对。登记：\/结对 /);
    expect(await g.says("/成员 列表")).toMatch(/共 1 位成员：\n【未设学校】管理员 王主任/);
  });
});

describe("replies that fit a phone", () => {
  it("/帮助, /周报, /进度 详细 and refusals each fit one screen; the rest is one tap away", async () => {
    const { admin, principal } = await demoCommunity();
    const help = show("/帮助", await admin.says("/帮助"));
    expect(size(help).chars).toBeLessThanOrEqual(400);
    for (const c of ["/记录", "/进度", "/列表", "/帮助 全部"]) expect(help).toContain(c);
    const all = show("/帮助 全部", await admin.says("/帮助 全部"));
    for (const name of ["记录", "修改", "撤销", "结对", "学校", "成员", "绑定", "区县", "导出", "导入"]) expect(all).toContain(`/${name}`);

    const digest = show("/周报 (principal)", await principal.says("/周报"));
    expect(size(digest).lines).toBeLessThanOrEqual(15);
    expect(size(digest).chars).toBeLessThanOrEqual(600);
    // The principal's own school and what it lacks come straight after the title.
    expect(digest.split("\n")[1]).toBe("【本校 郝家也】还差 7 项：");
    expect(digest).toContain("其他学校还差：二小 38 项、店则沟 7 项、寨沟 9 项、双庙 7 项");
    expect(digest).toContain("完整周报：/周报 全部");
    const full = show("/周报 全部", await principal.says("/周报 全部"));
    expect(full).toContain("【店则沟】还差 7 项，已达标 1 项");
    expect(size(full).chars).toBeGreaterThan(size(digest).chars * 3);

    const detail = show("/进度 详细", await admin.says("/进度 详细"));
    expect(size(detail).lines).toBeLessThanOrEqual(25);
    expect(detail).toContain("【本校 清涧县第二小学】还差 38 项，已达标 4 项");
    expect(detail).toContain("⚠️师徒结对：—郝家也 0/3、—店则沟 0/3、—双庙 0/3、—寨沟 1/3");
    expect(detail).toContain("【郝家也】还差 7 项，已达标 1 项\n【店则沟】");
    const school = show("/进度 郝家也", await admin.says("/进度 郝家也"));
    expect(school).toContain("【郝家也中心小学】还差 7 项，已达标 1 项");

    for (const [text, example] of [
      ["/记录 示范课 11月20日 火星校", "例如：/记录 示范课 11月20日 二小 语文"],
      [`/学校 添加 ${"长".repeat(61)}`, "例如：/学校 添加 清涧县第二小学 核心 二小 第二小学"],
      ["/记录s 示范课", "例如：/记录 示范课 11月20日 二小 语文"],
    ] as const) {
      const refusal = show(`refusal ${text}`, await admin.says(text));
      expect(refusal.split("\n")).toHaveLength(2);
      expect(refusal.split("\n")[1]).toBe(example);
    }
  });

  it("offers the next likely action under a record: another of the same kind on the form", async () => {
    const g = new Chat(app, unique("g"), unique("u"), "王主任");
    await g.says(`/绑定 ${unique("共同体")}`);
    const message = { platform: "sim" as const, chatId: g.chatId, chatType: "group" as const, senderId: g.userId, senderName: g.userName, mentioned: false, receivedAt: TEST_NOW.toISOString() };
    const forms = { baseUrl: "https://bot.example.edu.cn", secret: "s".repeat(32), ttlMs: 3_600_000 };
    const withForms = { ...direct, now: () => TEST_NOW, settings: { ...DEFAULT_SETTINGS, forms } };
    const recorded = await handleInbound(withForms, { ...message, text: "/记录 示范课 11月20日 语文", messageId: unique("m") });
    expect(recorded.replies[0]?.actions?.map((a) => a.label)).toEqual(["确认", "撤销", "再记一条"]);
    expect(recorded.replies[0]?.actions?.[2]).toEqual({ label: "再记一条", command: "/表单 示范课" });
    // Without forms there is nowhere to record another like it in one tap: no such button.
    const plain = await handleInbound({ ...direct, now: () => TEST_NOW }, { ...message, text: "/记录 听评课 11月20日 语文", messageId: unique("m") });
    expect(plain.replies[0]?.actions?.map((a) => a.label)).toEqual(["确认", "撤销"]);
  });
});

/**
 * A community's full term typed through the real pipeline, shared by the summary tests: three
 * mentor pairs (one named together on a record), a meeting with minutes and a rule, a planned
 * record and a revoked one; and the .docx read back as paragraphs.
 */
import JSZip from "jszip";
import { expect } from "vitest";
import type { App } from "../../app/app.ts";
import { unique } from "./env.ts";
import { boundGroup, type Chat, TEST_NOW } from "./harness.ts";

/** The document's paragraphs as text (table cells are paragraphs too). */
export async function docxParagraphs(buf: Buffer): Promise<string[]> {
  const zip = await JSZip.loadAsync(buf);
  const xml = (await zip.file("word/document.xml")?.async("string")) ?? "";
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => [...m[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join("")).filter(Boolean);
}

/**
 * Sends once and waits however long the pipeline takes: on the simulator's 10-second 504 the
 * same message id is sent again, which the bot answers from the first delivery (processed once,
 * invariant 1). A loaded shared machine then slows the fixture down instead of failing it.
 */
export async function patiently(chat: Chat, text: string, extra: Record<string, unknown> = {}): Promise<string> {
  const messageId = unique("m");
  for (let attempt = 1; ; attempt++) {
    try {
      return await chat.says(text, { ...extra, messageId });
    } catch (err) {
      if (attempt >= 12 || !/answered 504/.test(String(err))) throw err;
    }
  }
}

/** A term's worth of records: three pairs, one pair's work named by both, a planned record, a revoked one, a meeting with minutes. */
export async function fullTerm(app: App, setClock: (at: Date) => void) {
  const g = await boundGroup(app);
  for (const line of [
    "/成员 王主任 二小 管理员",
    "/成员 惠校长 二小 校长",
    "/成员 刘校长 双庙 校长",
    "/成员 张老师 二小 教师",
    "/成员 王老师 二小 教师",
    "/成员 赵老师 二小 教师",
    "/成员 李老师 郝家也 教师",
    "/成员 周老师 郝家也 教师",
    "/成员 孙老师 双庙 教师",
    "/结对 王老师 李老师 语文",
    "/结对 赵老师 孙老师 数学",
    "/结对 张老师 周老师 英语",
  ])
    await patiently(g, line);
  // A principal's role belongs to an account: the admin @-mentions it (DingTalk's atUsers, as the simulator speaks them).
  const li = g.as(unique("u"), "李校长");
  expect(await patiently(g, "/成员 @李校长 郝家也 校长", { mentions: [{ userId: li.userId }] })).toMatch(/已添加成员：李校长/);
  setClock(new Date("2026-11-10T04:00:00Z"));
  try {
    await patiently(g, "/会议 安排 11月14日 9:00 二小会议室 送课安排");
    setClock(new Date("2026-11-14T00:30:00Z"));
    await patiently(li, "/签到");
  } finally {
    setClock(TEST_NOW);
  }
  await patiently(g, "/纪要 商定12月送课安排\n待办：@王主任 12月10日前 提交送课方案");
  await patiently(g, "/会议 规则 每月第一个周六 9:00 二小会议室");
  for (const line of [
    "/记录 示范课 9月15日 二小到郝家也 语文 《分数的意义》 主讲=张老师 35人 备注=郝家也全体语文教师参加评课",
    "/记录 专题讲座 10月9日 二小到双庙 《课堂提问的艺术》 主讲=惠校长",
    "/记录 集体备课 10月20日 郝家也 主讲校=二小 数学",
    "/记录 听评课 10月22日 郝家也 语文 主讲=王老师、李老师",
    "/记录 听评课 11月3日 郝家也 语文 主讲=李老师",
    "/记录 论文案例 11月5日 郝家也 《小学语文提问策略》 主讲=李老师",
    "/记录 主题活动 10月30日 双庙 参与=二小 《读书节》",
    "/记录 参观学习 11月12日 二小 参与=郝家也、双庙 20人",
    "/记录 物资援助 11月16日 二小到双庙 备注=捐赠图书200册",
    "/记录 专题讲座 11月1日 二小到郝家也 《撤销的讲座》 主讲=钱老师",
    "/记录 示范课 12月10日 二小到双庙 《计划中的课》 主讲=张老师",
  ])
    await patiently(g, line);
  const revoked = /#(\d+)/.exec((await patiently(g, "/列表")).split("\n").find((l) => l.includes("撤销的讲座")) ?? "")?.[1];
  expect(await patiently(g, `/撤销 ${revoked}`)).toMatch(/撤销/);
  return Object.assign(g, { principal: li });
}

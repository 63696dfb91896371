/**
 * The weekly digest through the real pipeline and scheduler tick (PostgreSQL, BullMQ): a
 * hand-checked county, the same numbers as /进度, Monday 08:00 Beijing = Monday 00:00 UTC with
 * the server in UTC, exactly once across re-runs, two workers and a crash mid fan-out, catch-up,
 * one community's data never in another's digest, an empty week, settings and subscriptions.
 * Dates are in late 2026/2027 Mondays no other test file ticks at.
 */
process.env.TZ = "UTC";
import { describe, expect, it } from "vitest";
import type { Producers } from "../messages/producers.ts";
import { runDigestWork } from "../workers/schedule/digest-work.ts";
import { Chat } from "./support/harness.ts";
import { unique } from "./support/env.ts";
import { scheduleTestApp } from "./support/schedule.ts";

const SATURDAY = new Date("2026-11-28T04:00:00Z"); // Saturday 12:00 in Beijing
const MONDAY = new Date("2026-11-30T00:00:00Z"); // Monday 08:00 in Beijing
let clock = SATURDAY;
const started = scheduleTestApp(() => clock, "digest");

const FORMS = { baseUrl: "http://127.0.0.1:9", secret: "d".repeat(40), ttlMs: 7 * 86_400_000 };
const digestTick = (at: Date, producers: Pick<Producers, "outbound"> = started.ticker.producers, forms?: typeof FORMS) =>
  runDigestWork({ db: started.ticker.db, producers, log: started.ticker.log, now: () => at, ...(forms ? { forms } : {}) }, at);

interface County {
  g: Chat;
  principal: Chat;
  teacher: Chat;
  name: string;
}

/** 安川县: 县实小 (core) gives 示范课 to 杨庄 and 青龙沟 (members), two each this term. */
async function county(opts: { activities?: boolean; prefix?: string } = {}): Promise<County> {
  clock = SATURDAY;
  const p = opts.prefix ?? "";
  const name = unique(`${p}安川县共同体`);
  const g = new Chat(started.app, unique("g"), unique("u"), "王主任");
  await g.says(`/绑定 ${name}`);
  for (const line of [
    `/学校 添加 ${p}安川县实验小学 核心 ${p}县实小`,
    `/学校 添加 ${p}杨庄乡中心小学 成员 ${p}杨庄`,
    `/学校 添加 ${p}青龙沟村小学 成员 ${p}青龙沟`,
    `/成员 王主任 ${p}县实小 管理员`,
    `/成员 王芳 ${p}县实小 教师`,
    `/成员 李娜 ${p}杨庄 教师`,
    `/目标 设置 示范课 核心校→成员校 2`,
  ])
    expect(await g.says(line)).not.toMatch(/没看懂|用法/);
  // A hand-checkable target set: only this one (/目标 设置 starts from the default template).
  await started.app.db.target.deleteMany({ where: { community: { name }, NOT: { kind: "示范课", scope: "pair" } } });
  expect(await started.app.db.target.count({ where: { community: { name } } })).toBe(1);
  const principal = await g.member("张校长", `${p}杨庄 校长`);
  const teacher = g.as(unique("t"), "李娜");
  await principal.says("/进度"); // gives the principal an account; principals need no subscription
  await teacher.says("/周报 订阅");
  if (opts.activities !== false) {
    expect(await g.says(`/记录 示范课 11.24 ${p}杨庄 主讲=王芳 语文 《秋天的雨》`)).toMatch(/已记录/);
    expect(await g.says(`/记录 听评课 11.26 ${p}青龙沟 数学 主讲=李娜`)).toMatch(/已记录/);
    expect(await g.says(`/记录 示范课 12.3 ${p}青龙沟 主讲=王芳 数学`)).toMatch(/已记录/); // planned
  }
  return { g, principal, teacher, name };
}

const textsTo = async (chat: string) => started.ticker.texts([chat]);

describe("the weekly digest", { timeout: 90_000 }, () => {
  it("goes Monday 08:00 Beijing (00:00 UTC), principal first with own school, group short; numbers as hand-checked and as /进度", async () => {
    const c = await county();
    await digestTick(new Date("2026-11-29T23:59:00Z"));
    expect(await textsTo(c.principal.userId)).toHaveLength(0);
    await digestTick(MONDAY);
    const [full, ...more] = await textsTo(c.principal.userId);
    expect(more).toHaveLength(0);
    const lines = full!.split("\n");
    expect(lines[0]).toBe(`📬 ${c.name} 周报（11月23日—11月29日）`);
    expect(lines[2]).toBe("【本校 杨庄】本学期无目标"); // directed targets count against the giver
    expect(full).toContain("上周活动 2 项：听评课 1、示范课 1");
    expect(full).toContain("按学校：杨庄 2、县实小 1、青龙沟 1");
    expect(full).toContain("· 11月24日 示范课《秋天的雨》 县实小→杨庄（王芳）");
    expect(full).toContain("接下来两周的安排 1 项：\n· 12月3日 示范课 县实小→青龙沟（王芳）");
    // Hand-checked: 2 items (县实小→杨庄 1/2, 县实小→青龙沟 0/2, the 12.3 one is only planned), 3 to go.
    expect(full).toMatch(/📊 本学期（2026年秋季学期）：2 项目标达成 0 项\n还差 3 次，剩 (\d+) 周，平均每周需完成 1 次\n捆绑考核按共同体整体评价，目前拖后腿的是 县实小（2 项目标中还差 2 项）/);
    expect(full).toContain("【县实小】还差 2 项，已达标 0 项\n示范课 县实小→青龙沟 ░░░░ 0/2\n示范课 县实小→杨庄 ▓▓░░ 1/2");
    // The same numbers as /进度 on the same day.
    clock = MONDAY;
    const progress = await c.g.says("/进度");
    const weeks = /剩 (\d+) 周/.exec(progress)![1];
    expect(full).toContain(`剩 ${weeks} 周`);
    expect(progress).toContain("共同体：2 项目标达成 0 项；拖后腿的是 县实小（2 项目标中还差 2 项）");
    expect(progress).toContain("示范课→杨庄 1/2");
    // The teacher who subscribed gets the full one too, their school first.
    expect((await textsTo(c.teacher.userId))[0]).toMatch(/^📬 .*\n\n【本校 杨庄】/);
    // The group: the short version.
    const [group] = await textsTo(c.g.chatId);
    expect(group).toContain("上周活动 2 项");
    expect(group).toContain("示范课 县实小→青龙沟 ░░░░ 0/2");
    expect(group).toContain("/周报 订阅");
    expect(group).not.toContain("【县实小】");
    // /周报 全部 now, for the admin: the same text as the scheduled full one without own school.
    const now = await c.g.says("/周报 全部");
    expect(now).toContain("还差 3 次");
    expect(now).not.toMatch(/本校/);
    // /周报: one phone screen, the full one a tap away.
    const phone = await c.g.says("/周报");
    expect(phone).toContain("还差 3 次");
    expect(phone.split("\n").length).toBeLessThan(now.split("\n").length);
    expect(phone).toContain("完整周报：/周报 全部");
  });

  it("is sent once: re-run, two workers at the same instant, later ticks", async () => {
    const c = await county();
    const other = started.ticker.otherWorker();
    await Promise.all([digestTick(MONDAY), other.tick(MONDAY), digestTick(MONDAY)]);
    // A second worker running the digest too (its own pool via the ticker's db is the same ledger).
    await Promise.all([digestTick(new Date(MONDAY.getTime() + 60_000)), digestTick(new Date(MONDAY.getTime() + 60_000))]);
    expect(await textsTo(c.principal.userId)).toHaveLength(1);
    expect(await textsTo(c.g.chatId)).toHaveLength(1);
    const rows = await started.app.db.delivery.findMany({ where: { kind: "weekly-digest", community: { name: c.name } } });
    expect(rows.map((r) => r.recipient).sort()).toEqual(["*", `group:sim:${c.g.chatId}`, `user:sim:${c.principal.userId}`, `user:sim:${c.teacher.userId}`].sort());
  });

  it("a crash mid fan-out: the next tick finishes it, the repair queues the claimed one, nobody gets two", async () => {
    const c = await county();
    let adds = 0;
    const crashing: Pick<Producers, "outbound"> = {
      outbound: {
        ...started.ticker.producers.outbound,
        add: async (...args: Parameters<Producers["outbound"]["add"]>) => {
          // The first send to this community goes through; the process "dies" at the second
          // (other files' communities may be due in the same tick: they are not counted).
          const ours = [c.principal.userId, c.teacher.userId, c.g.chatId].includes(args[0].chatId);
          if (ours && ++adds === 2) throw new Error("killed mid fan-out");
          return started.ticker.producers.outbound.add(...args);
        },
      } as Producers["outbound"],
    };
    // A Monday no other test in this file uses: the full due-work tick below sees every community in its database.
    const at = new Date("2027-06-07T00:00:00Z");
    // Only this community's digest is due for the crashing run: the others are done first.
    await digestTick(at);
    await started.app.db.delivery.deleteMany({ where: { kind: "weekly-digest", community: { name: c.name } } });
    await started.ticker.producers.outbound.queue.obliterate({ force: true });
    adds = 0;
    await digestTick(at, crashing);
    expect(await started.app.db.delivery.count({ where: { kind: "weekly-digest", recipient: "*", community: { name: c.name } } })).toBe(0);
    await digestTick(new Date(at.getTime() + 60_000));
    await started.ticker.tick(new Date(at.getTime() + 3 * 60_000)); // the due-work tick repairs rows claimed but never queued
    for (const chat of [c.principal.userId, c.teacher.userId, c.g.chatId]) expect(await textsTo(chat)).toHaveLength(1);
  });

  it("catches up at most 6 hours late, marked 补发; later it is skipped once", async () => {
    const c = await county();
    await digestTick(new Date("2026-12-14T03:00:00Z"));
    expect((await textsTo(c.principal.userId))[0]).toMatch(/^【补发】/);
    const d = await county();
    await digestTick(new Date("2026-12-21T07:00:00Z"));
    await digestTick(new Date("2026-12-21T07:01:00Z"));
    expect(await textsTo(d.principal.userId)).toHaveLength(0);
    const dId = await idOf(d.name);
    expect(started.ticker.logs.filter((l) => l.includes("weekly digest more than 6 hours overdue") && l.includes(`"communityId":${dId}`))).toHaveLength(1);
  });

  it("never carries another community's data", async () => {
    const a = await county({ prefix: "甲" });
    const b = await county({ prefix: "乙" });
    await b.g.says("/记录 示范课 11.25 乙杨庄 主讲=王芳 《乙的秘密课》");
    await digestTick(MONDAY);
    await digestTick(new Date(MONDAY.getTime() + 60_000));
    const mine = (await textsTo(a.principal.userId)).join("\n") + (await textsTo(a.g.chatId)).join("\n");
    expect(mine).toContain("甲县实小");
    expect(mine).not.toMatch(/乙|秘密/);
    expect(mine).not.toContain(b.name);
  });

  it("an empty week is a short, kind message", async () => {
    const c = await county({ activities: false });
    await digestTick(MONDAY);
    const [text] = await textsTo(c.principal.userId);
    expect(text).toContain("上周没有记录到共同体活动");
    expect(text).toContain("没关系");
    expect(text!.split("\n").length).toBeLessThan(10);
  });

  it("follows /设置 周报 (day, time, groups off) and /周报 退订", async () => {
    const c = await county();
    expect(await c.g.says("/设置 周报 周三 9:00")).toContain("周报改为每周三 09:00");
    expect(await c.g.says("/设置 周报 群 关")).toContain("不再发到群里");
    expect(await c.teacher.says("/周报 退订")).toContain("已退订");
    expect(await c.g.says("/设置 周报")).toContain("每周三 09:00");
    await digestTick(MONDAY);
    expect(await textsTo(c.principal.userId)).toHaveLength(0);
    await digestTick(new Date("2026-12-02T01:00:00Z")); // Wednesday 09:00 in Beijing
    expect(await textsTo(c.principal.userId)).toHaveLength(1);
    expect(await textsTo(c.teacher.userId)).toHaveLength(0);
    expect(await textsTo(c.g.chatId)).toHaveLength(0);
    expect(await c.teacher.says("/设置 周报 周一 8:00")).toMatch(/管理员/);
  });

  it("carries the progress chart (image and link) to principals and groups when links are configured", async () => {
    const c = await county();
    await digestTick(MONDAY, started.ticker.producers, FORMS);
    const [toPrincipal] = await started.ticker.sent([c.principal.userId]);
    const reply = toPrincipal!.replies[0]!;
    expect(reply.image?.url).toMatch(/^http:\/\/127\.0\.0\.1:9\/c\//);
    expect(reply.text).toContain(`📈 进度图：${reply.image!.url}`);
    const [toGroup] = await started.ticker.sent([c.g.chatId]);
    // The group's chart link names no member (the group sees the community's figures anyway).
    const groupChart = toGroup!.replies[0]!.image?.url ?? "";
    expect(groupChart).toMatch(/\/c\//);
    const payload = JSON.parse(Buffer.from(groupChart.split("/c/")[1]!.split(".")[0]!, "base64url").toString());
    expect(payload).toMatchObject({ w: "chart", c: expect.any(Number) });
    expect(payload.m).toBeUndefined();
  });

  it("lists WeCom principals who never wrote 1:1 to the admins once, and does not send to them", async () => {
    const c = await county();
    const id = await idOf(c.name);
    const member = await started.app.db.member.findFirstOrThrow({ where: { communityId: id, displayName: "张校长" } });
    const wecomUser = unique("wx");
    await started.app.db.platformIdentity.create({ data: { memberId: member.id, communityId: id, platform: "wecom", userId: wecomUser } });
    await digestTick(MONDAY);
    await digestTick(new Date(MONDAY.getTime() + 60_000));
    expect(await textsTo(wecomUser)).toHaveLength(0);
    const told = (await textsTo(c.g.userId)).filter((t) => t.includes("还没有在企业微信里私聊过我"));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain("张校长");
    expect(told[0]).toContain("/周报 订阅");
  });
});

async function idOf(name: string): Promise<number> {
  return (await started.app.db.community.findUniqueOrThrow({ where: { name } })).id;
}

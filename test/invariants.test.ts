/**
 * The architecture's invariants, each against real Redis and PostgreSQL:
 * duplicates change data once; a worker killed after commit leaves one record and one reply;
 * two communities never see each other; only admins configure; two worker processes share a queue.
 */
import { describe, expect, it } from "vitest";
import { useCleanup } from "./support/cleanup.ts";
import { boundGroup, Chat, get, post } from "./support/harness.ts";
import { testEnv, unique } from "./support/env.ts";
import { spawnBot, waitFor, type BotProcess } from "./support/process.ts";

const { app, defer } = useCleanup();

function bot(env: ReturnType<typeof testEnv>, overrides: Record<string, string>): BotProcess {
  const p = spawnBot(env, overrides);
  defer(() => p.stop());
  return p;
}

describe("a message delivered twice changes data once", () => {
  it("same message id, sequentially and concurrently", async () => {
    const a = await app();
    const g = await boundGroup(a);
    const body = { chatId: g.chatId, userId: g.userId, userName: g.userName, text: "/记录 示范课 11月20日 二小", messageId: unique("m") };
    const first = await post(a, "/sim/messages", body);
    expect(first.body.replies?.[0]?.text).toMatch(/已记录 #1/);
    const again = await post(a, "/sim/messages", body);
    expect(again.body).toMatchObject({ duplicate: true });
    expect(again.body.replies?.[0]?.text).toMatch(/已记录 #1/);

    const burst = { ...body, messageId: unique("m"), text: "/记录 听课 11月21日 二小" };
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(a, "/sim/messages", burst)));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(await g.activities()).toHaveLength(2);
    const deliveries = (await get<{ deliveries: { messageId: string }[] }>(a, `/sim/replies?chatId=${g.chatId}`)).body.deliveries;
    expect(deliveries.filter((d) => d.messageId === burst.messageId)).toHaveLength(1);
  });

  it("the database refuses a second record for one source message even past the queue", async () => {
    const a = await app();
    const g = await boundGroup(a);
    await g.says("/记录 示范课 11月20日 二小", { messageId: unique("m") });
    const community = await a.db.community.findUniqueOrThrow({ where: { name: g.community } });
    const existing = await a.db.activity.findFirstOrThrow({ where: { communityId: community.id } });
    const { id: _id, ...copy } = existing;
    await expect(a.db.activity.create({ data: { ...copy, number: 99 } })).rejects.toThrow(/Unique constraint/);
  });
});

describe("a worker killed mid-job", () => {
  it("after the commit and before the reply: the record once and the reply once", async () => {
    const env = testEnv({ JOB_LOCK_MS: "1000", STALLED_INTERVAL_MS: "500" });
    const gw = await app({ QUEUE_PREFIX: env.QUEUE_PREFIX, ROLE: "gateway" });
    const setup = bot(env, { ROLE: "worker" });
    const g = await boundGroup(gw);
    await setup.stop();

    // Worker processes run on the wall clock: a date relative to today never expires.
    const crashing = bot(env, { ROLE: "worker", FAULT_CRASH_AFTER_COMMIT: "true" });
    const messageId = unique("m");
    const pending = post(gw, "/sim/messages", { chatId: g.chatId, userId: g.userId, userName: g.userName, text: "/记录 示范课 昨天 二小", messageId });
    expect(await crashing.exited).toBe(137);
    expect(await g.activities()).toHaveLength(1); // committed before the crash

    bot(env, { ROLE: "worker" }); // a healthy worker picks up the stalled job
    await pending;
    const deliveries = await waitFor(async () => {
      const d = (await get<{ deliveries: { messageId: string; replies: { text: string }[] }[] }>(gw, `/sim/replies?chatId=${g.chatId}`)).body.deliveries.filter((x) => x.messageId === messageId);
      return d.length > 0 && d;
    });
    await new Promise((r) => setTimeout(r, 1500)); // time for any second delivery to show up
    const after = (await get<{ deliveries: { messageId: string }[] }>(gw, `/sim/replies?chatId=${g.chatId}`)).body.deliveries.filter((x) => x.messageId === messageId);
    expect(after).toHaveLength(1);
    expect(deliveries[0]?.replies[0]?.text).toMatch(/已记录 #1/);
    expect(await g.activities()).toHaveLength(1);
  }, 60_000);
});

describe("two communities never see each other", () => {
  it("a message id reused in another community's chat neither returns nor changes the first chat's data", async () => {
    const a = await app();
    const one = await boundGroup(a);
    const two = await boundGroup(a);
    const messageId = unique("m");
    await one.says("/记录 示范课 11月20日 二小 《秘密》", { messageId });
    const res = await post(a, "/sim/messages", { chatId: two.chatId, userId: two.userId, userName: two.userName, text: "/列表", messageId });
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.body)).not.toContain("秘密");
    expect(await two.activities()).toHaveLength(0);
  });

  it("lists, edits, undoes and progress stay inside the community bound to the group", async () => {
    const a = await app();
    const one = await boundGroup(a);
    const two = await boundGroup(a);
    await one.says("/记录 示范课 11月20日 二小 《只属于一》");
    expect(await two.says("/列表")).toMatch(/还没有记录/);
    expect(await two.says("/撤销 1")).toMatch(/没有编号为 #1/);
    expect(await two.says("/修改 1 人数=1")).toMatch(/没有编号为 #1/);
    await one.says("/记录 联席会议 11月20日 二小 参与=双庙");
    expect(await one.says("/进度")).toMatch(/项目标达成 1 项/);
    expect(await two.says("/进度")).toMatch(/项目标达成 0 项/);
    expect((await two.activities()).length).toBe(0);
    expect(await one.activities()).toMatchObject([{ title: "只属于一", headcount: null }, { kind: "联席会议" }]);
    // The other community's admin is a stranger here.
    const intruder = new Chat(a, one.chatId, two.userId, two.userName);
    expect(await intruder.says("/学校 添加 假学校 核心")).toMatch(/只有管理员/);
  });
});

describe("only admins configure", () => {
  it.each(["/学校 添加 新学校 成员 新校", "/成员 某人 二小 管理员", "/成员 王主任 二小 教师"])("a teacher cannot: %s", async (text) => {
    const a = await app();
    const g = await boundGroup(a);
    const teacher = g.as(unique("u"), "普通老师");
    expect(await teacher.says(text)).toMatch(/只有管理员可以/);
    expect(await g.says("/学校 列表")).toContain("共 3 所学校");
    const community = await a.db.community.findUniqueOrThrow({ where: { name: g.community } });
    expect(await a.db.member.count({ where: { communityId: community.id, roles: { has: "admin" } } })).toBe(1);
  });
});

describe("separate processes", () => {
  it("a gateway and two worker processes on one queue: every message once, both workers busy", async () => {
    const env = testEnv({ INBOUND_CONCURRENCY: "2" });
    const gw = await app({ QUEUE_PREFIX: env.QUEUE_PREFIX, ROLE: "gateway" });
    bot(env, { ROLE: "worker" });
    bot(env, { ROLE: "worker" });
    await waitFor(async () => (await gw.producers.inbound.queue.getWorkers()).length >= 2);
    const g = await boundGroup(gw);
    const n = 40;
    const results = await Promise.all(Array.from({ length: n }, (_, i) => g.says(`/记录 示范课 11月${(i % 20) + 1}日 二小`)));
    expect(results.every((r) => /已记录 #\d+/.test(r))).toBe(true);
    const list = await g.activities();
    expect(list).toHaveLength(n);
    expect(new Set(list.map((x) => x.number)).size).toBe(n);
    const jobs = await gw.producers.inbound.queue.getJobs(["completed"], 0, 1000);
    expect(new Set(jobs.map((j) => j.processedBy)).size).toBe(2);
  }, 60_000);
});

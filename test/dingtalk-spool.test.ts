/**
 * DingTalk pushes a robot message once (protocol.md FAQ: fire-forget). With Redis stopped for
 * 20 s while 200 messages arrive, every one is spooled to disk and, once Redis is back, queued
 * and recorded exactly once.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { activitiesForChat } from "../db/activities.ts";
import { FakeDingtalk } from "./fakes/dingtalk.ts";
import { waitFor } from "./fakes/http-util.ts";
import { startTestApp } from "./support/harness.ts";
import { bindDingtalkGroup } from "./support/dingtalk-group.ts";
import { testPrefix, unique } from "./support/env.ts";
import { OwnRedis } from "./support/own-redis.ts";

const APP = { clientId: "dingspool", clientSecret: "dt-spool-secret" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let fake: FakeDingtalk;
let redis: OwnRedis;
let app: App;
let spool: string;
const prefix = testPrefix();

beforeAll(async () => {
  redis = await OwnRedis.start();
  spool = await mkdtemp(join(tmpdir(), "jiaolian-spool-"));
  fake = await new FakeDingtalk(APP).start();
  app = await startTestApp({
    REDIS_URL: redis.url,
    SPOOL_DIR: spool,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: process.env.DEBUG_LOG ?? "silent",
    ...fake.botEnv(),
  });
  await fake.waitForOpen();
});

afterAll(async () => {
  await app?.close();
  await fake?.stop();
  await redis?.down();
  await rm(spool, { recursive: true, force: true });
});

describe("DingTalk messages while Redis is down", () => {
  it("200 messages during a 20 s outage: all spooled, all recorded once after Redis returns", async () => {
    const conversationId = unique("cid");
    const admin = unique("staff");
    await bindDingtalkGroup(fake, conversationId, admin);
    await redis.down();
    const outageStarted = Date.now();
    const pushed: string[] = [];
    for (let i = 1; i <= 200; i++) {
      const m = await fake.userSays({ conversationId, userId: admin, text: `/记录 教研活动 11月20日 二小 《课题${i}》` });
      pushed.push(m.streamMessageId);
      await sleep(60);
    }
    // Every message is acknowledged once it is safely on disk, while Redis is still down.
    await waitFor(() => pushed.every((id) => fake.acked(id)), 15_000, "all 200 acked from the spool");
    const onDisk = (await readdir(join(spool, prefix, "dingtalk"))).filter((n) => n.endsWith(".json")).length;
    expect(onDisk).toBe(200);
    await sleep(Math.max(0, 20_000 - (Date.now() - outageStarted)));
    await redis.up();
    let list: unknown[] = [];
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      list = (await activitiesForChat(app.db, "dingtalk", conversationId, true)) ?? [];
      if (list.length >= 200) break;
      await sleep(500);
    }
    await sleep(1500);
    list = (await activitiesForChat(app.db, "dingtalk", conversationId, true)) ?? [];
    const topics = list.map((a) => JSON.stringify(a).match(/课题(\d+)/)?.[1]);
    expect(list).toHaveLength(200);
    expect(new Set(topics).size).toBe(200);
    // Messages that reached Redis by the retried command and by the spool both: their files go once drained.
    const left = async () => (await readdir(join(spool, prefix, "dingtalk"))).filter((n) => n.endsWith(".json")).length;
    const until2 = Date.now() + 30_000;
    while ((await left()) > 0 && Date.now() < until2) await sleep(250);
    expect(await left()).toBe(0);
  }, 150_000);
});

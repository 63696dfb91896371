/**
 * A meeting reminder through the DingTalk adapter to the local fake DingTalk: the robot OpenAPI
 * group send as a StandardCard interactive card whose 签到 press checks in, and the 1:1 batch send
 * to the principal.
 * The tick runs for the whole test database at an instant (April 2027) no other test file uses.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { runDueWork } from "../workers/schedule/due-work.ts";
import { FakeDingtalk, type Sent } from "./fakes/dingtalk.ts";
import { waitFor } from "./fakes/http-util.ts";
import { startTestApp } from "./support/harness.ts";
import { unique } from "./support/env.ts";

const APP = { clientId: "dingmeeting", clientSecret: "dt-meeting-secret" };
let fake: FakeDingtalk;
let app: App;

beforeAll(async () => {
  fake = await new FakeDingtalk(APP).start();
  app = await startTestApp(
    {
      ...fake.botEnv(),
      DINGTALK_KEEPALIVE_MS: "300",
    },
    () => new Date("2026-11-28T04:00:00Z"),
  );
  await fake.waitForOpen();
});
afterAll(async () => {
  await app?.close();
  await fake?.stop();
});

async function says(conversationId: string, userId: string, text: string, nick = "王主任"): Promise<string> {
  const before = fake.sent.length;
  const m = await fake.userSays({ conversationId, userId, text, nick });
  const reply = await waitFor(() => fake.sent.slice(before).find((s) => s.target === m.session || s.target === conversationId), 10_000, `reply to ${text}`);
  return JSON.stringify(reply.body);
}

describe("meeting reminder on DingTalk", () => {
  it("goes to the group as an interactive card whose 签到 press checks the school in, and 1:1 to the principal", async () => {
    const conversationId = unique("cid");
    const admin = unique("staff");
    const principal = unique("staff");
    await says(conversationId, admin, `/绑定 ${unique("共同体")}`);
    await says(conversationId, admin, "/学校 添加 清涧县第二小学 核心 二小");
    expect(await says(conversationId, admin, "/会议 规则 每月第一个周六 9:00 二小会议室")).toMatch(/会议规则/);
    await says(conversationId, principal, "/会议 下次", "张校长");
    expect(await says(conversationId, admin, "/成员 张校长 二小 校长")).toMatch(/校长/);

    const due = new Date("2027-03-31T01:00:00Z"); // 3 days before 09:00 on Saturday Apr 3
    await runDueWork({ db: app.db, producers: app.producers, log: app.log, now: () => due }, due);
    // In a group a link button would post text without @ (never reaching the robot): the reminder
    // is a StandardCard interactive card whose 签到 press comes back on the card callback topic.
    const group: Sent = await waitFor(() => fake.sent.find((s) => s.via === "card" && s.target === conversationId), 10_000, "group reminder");
    expect(group.body.cardTemplateId).toBe("StandardCard");
    const cardBizId = String(group.body.cardBizId);
    expect(JSON.stringify(fake.cards.get(cardBizId)?.data)).toMatch(/联席会议（3天后）[\s\S]*4月3日（周六）09:00[\s\S]*二小会议室/);
    expect(fake.cardButtons(cardBizId).map((b) => b.label)).toEqual(["签到"]);
    const conn = fake.open()[0]!;
    fake.cardClick(conn, { userId: principal, cardBizId, actionId: fake.cardButtons(cardBizId)[0]!.id });
    await waitFor(() => (fake.cards.get(cardBizId)?.updates ?? 0) >= 1, 10_000, "card update after 签到");
    expect(JSON.stringify(fake.cards.get(cardBizId)?.data)).toMatch(/签到/);
    expect(await app.db.attendance.count({ where: { school: { fullName: "清涧县第二小学" }, meeting: { community: { chats: { some: { chatId: conversationId } } } } } })).toBe(1);
    // Operators see the connection and the pushes in /metrics.
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/jiaolian_platform_connected\{platform="dingtalk[^"]*"\} 1/);
    expect(metrics).toMatch(/jiaolian_scheduled_deliveries_total\{kind="[^"]+",outcome="queued"\} [1-9]/);
    const dm: Sent = await waitFor(() => fake.sent.find((s) => s.via === "user" && s.target === principal), 10_000, "principal's reminder");
    expect(JSON.stringify(dm.body)).toMatch(/4月3日/);
  });
});

/**
 * A meeting reminder through the real WeCom SDK to the local fake WeCom: a proactive group
 * message with a 签到 button card and a 1:1 message to the principal; clicking 签到 on the card
 * checks the clicker's school in, as typing /签到 would. The tick runs for the whole test database:
 * its instant (March 2027) is one no other test file ticks at, so it claims no other test's pushes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { FakeWecom, textOf } from "./fakes/wecom.ts";
import { startTestApp } from "./support/harness.ts";
import { unique } from "./support/env.ts";
import { runDueWork } from "../workers/schedule/due-work.ts";

const BOT = "jlmeet";
let clock = new Date("2026-11-28T04:00:00Z");
let fake: FakeWecom;
let app: App;

beforeAll(async () => {
  fake = await new FakeWecom({ [BOT]: "s3cret" }).start();
  app = await startTestApp({ ...fake.botEnv(BOT) }, () => clock);
  await fake.waitForLive();
});
afterAll(async () => {
  await app?.close();
  await fake?.stop();
});

async function says(chatId: string | undefined, userId: string, text: string): Promise<string> {
  const frame = await fake.userSays({ chatId, userId, text });
  return textOf(await fake.waitForReceived((r) => r.reqId === frame.headers.req_id && r.cmd === "aibot_respond_msg", 10_000, `reply to ${text}`));
}

describe("meeting reminder on WeCom", () => {
  it("reaches the group as a card with a 签到 button and the principal 1:1; the button checks in", async () => {
    const chatId = unique("wc");
    const admin = unique("wu");
    const principal = unique("wp");
    await says(chatId, admin, `/绑定 ${unique("共同体")}`);
    await says(chatId, admin, "/学校 添加 清涧县第二小学 核心 二小");
    await says(chatId, admin, "/学校 添加 郝家也中心小学 成员 郝家也");
    expect(await says(chatId, admin, "/会议 规则 每月第一个周六 9:00 二小会议室")).toMatch(/会议规则/);
    await says(chatId, principal, "/会议 下次");
    expect(await says(chatId, admin, `/成员 ${principal} 郝家也 校长`)).toMatch(/校长/);

    // The tick with the app's own producers: its outbound worker sends through the WeCom adapter.
    const due = new Date("2027-03-03T01:00:00Z"); // 3 days before 09:00 on Saturday Mar 6
    const result = await runDueWork({ db: app.db, producers: app.producers, log: app.log, now: () => due }, due);
    expect(result.queued).toBeGreaterThanOrEqual(2);

    const card = await fake.waitForReceived((r) => r.cmd === "aibot_send_msg" && r.body.chatid === chatId && r.body.msgtype === "template_card", 10_000, "reminder card");
    const text = await fake.waitForReceived((r) => r.cmd === "aibot_send_msg" && r.body.chatid === chatId && r.body.msgtype === "markdown", 10_000, "reminder text");
    expect(textOf(text)).toMatch(/联席会议（3天后）\n时间：3月6日（周六）09:00\n地点：二小会议室/);
    const tc = card.body.template_card as { task_id: string; card_type: string; button_list: { text: string; key: string }[] };
    expect(tc.card_type).toBe("button_interaction");
    expect(tc.button_list).toEqual([expect.objectContaining({ text: "签到", key: "/签到" })]);
    await fake.waitForReceived((r) => r.cmd === "aibot_send_msg" && r.body.chatid === principal, 10_000, "principal's 1:1 reminder");

    clock = new Date("2027-03-04T02:00:00Z");
    const click = await fake.clickButton({ taskId: tc.task_id, key: "/签到", userId: principal, chatId });
    const update = await fake.waitForReceived((r) => r.reqId === click.headers.req_id, 10_000, "card update after 签到");
    // The card's title is cut to WeCom's limit; the check-in itself is read back from the database.
    expect(JSON.stringify(update.body)).toMatch(/郝家也中心小学 已签到/);
    const meeting = await app.db.meeting.findFirstOrThrow({ where: { community: { chats: { some: { chatId } } } }, include: { attendances: { include: { school: true } } } });
    expect(meeting.attendances.map((a) => a.school.fullName)).toEqual(["郝家也中心小学"]);
  });
});

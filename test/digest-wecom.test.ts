/**
 * The weekly digest to WeCom principals through the real SDK and adapter and the local fake
 * 智能机器人: a principal who wrote to the bot 1:1 gets the text and then the progress chart,
 * uploaded as temporary media (aibot_upload_media_init / chunk / finish) and sent as an image
 * message; one who never did is not sent to, and the admins are told once what to do.
 * The tick runs for the whole of the file's own database (test/support/own-database.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { runDigestWork } from "../workers/schedule/digest-work.ts";
import { FakeWecom, type Received, textOf } from "./fakes/wecom.ts";
import { startTestApp } from "./support/harness.ts";
import { ownDatabase } from "./support/own-database.ts";
import { unique } from "./support/env.ts";
import { decodePng } from "./support/png.ts";

const BOT = "jldigest";
const MONDAY = new Date("2027-04-19T00:00:00Z"); // 08:00 in Beijing
let fake: FakeWecom;
let app: App;

beforeAll(async () => {
  fake = await new FakeWecom({ [BOT]: "s3cret" }).start();
  app = await startTestApp({ FORM_SECRET: "w".repeat(40), DATABASE_URL: await ownDatabase("digest_wecom"), ...fake.botEnv(BOT) }, () => MONDAY);
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

describe("weekly digest on WeCom", { timeout: 90_000 }, () => {
  it("sends text then the chart as uploaded media to a principal reached 1:1; lists the other to the admins once", async () => {
    const chatId = unique("wc");
    const admin = unique("wu");
    const reached = unique("wp");
    const never = unique("wq");
    const community = unique("共同体");
    await says(chatId, admin, `/绑定 ${community}`);
    await says(chatId, admin, "/学校 添加 清涧县第二小学 核心 二小");
    await says(chatId, admin, "/学校 添加 郝家也中心小学 成员 郝家也");
    await says(chatId, reached, "/进度");
    await says(chatId, never, "/进度");
    expect(await says(chatId, admin, `/成员 ${reached} 郝家也 校长`)).toMatch(/校长/);
    expect(await says(chatId, admin, `/成员 ${never} 二小 校长`)).toMatch(/校长/);
    expect(await says(undefined, reached, "/周报 订阅")).toMatch(/已订阅/); // in the 1:1 chat

    const forms = { baseUrl: app.url, secret: "w".repeat(40), ttlMs: 86_400_000 };
    await runDigestWork({ db: app.db, producers: app.producers, log: app.log, now: () => MONDAY, forms }, MONDAY);
    await runDigestWork({ db: app.db, producers: app.producers, log: app.log, now: () => new Date(MONDAY.getTime() + 60_000), forms }, new Date(MONDAY.getTime() + 60_000));

    const text = await fake.waitForReceived((r) => r.cmd === "aibot_send_msg" && r.body.chatid === reached && r.body.msgtype === "markdown", 10_000, "digest text");
    expect(textOf(text)).toMatch(/^📬 .* 周报[\s\S]*【本校 郝家也】[\s\S]*📈 进度图：http/);
    const image = await fake.waitForReceived((r) => r.cmd === "aibot_send_msg" && r.body.chatid === reached && r.body.msgtype === "image", 20_000, "digest chart");
    const mediaId = (image.body.image as { media_id: string }).media_id;
    const media = fake.media.get(mediaId)!;
    expect(media.type).toBe("image");
    expect(decodePng(media.bytes).width).toBe(750);
    expect(fake.received.filter((r) => r.cmd === "aibot_upload_media_finish").length).toBeGreaterThanOrEqual(1);

    const toldUs = (r: Received) => r.cmd === "aibot_send_msg" && textOf(r).includes(`📮 ${community}：`);
    const told = await fake.waitForReceived(toldUs, 30_000, "admins told");
    expect(textOf(told)).toContain(never);
    expect(textOf(told)).not.toContain(reached);
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.received.filter((r) => r.cmd === "aibot_send_msg" && r.body.chatid === never)).toHaveLength(0);
    expect(fake.received.filter(toldUs)).toHaveLength(1);
    // The group gets the short text and the picture too.
    await fake.waitForReceived((r) => r.cmd === "aibot_send_msg" && r.body.chatid === chatId && textOf(r).includes("周报"), 10_000, "group digest");
    await fake.waitForReceived((r) => r.cmd === "aibot_send_msg" && r.body.chatid === chatId && r.body.msgtype === "image", 10_000, "group chart");
  });
});

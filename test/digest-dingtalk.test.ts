/**
 * The weekly digest to a DingTalk principal through the real adapter and the local fake DingTalk:
 * the text as sampleMarkdown via the robot's 1:1 batch send, then the progress chart as
 * sampleImageMsg whose photoURL is the signed chart link, which serves a PNG.
 * The tick runs for the whole of the file's own database (test/support/own-database.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { runDigestWork } from "../workers/schedule/digest-work.ts";
import { FakeDingtalk } from "./fakes/dingtalk.ts";
import { waitFor } from "./fakes/http-util.ts";
import { startTestApp } from "./support/harness.ts";
import { ownDatabase } from "./support/own-database.ts";
import { unique } from "./support/env.ts";
import { decodePng } from "./support/png.ts";

const APP = { clientId: "dingdigest", clientSecret: "dt-digest-secret" };
const MONDAY = new Date("2027-04-12T00:00:00Z"); // 08:00 in Beijing
let fake: FakeDingtalk;
let app: App;

beforeAll(async () => {
  fake = await new FakeDingtalk(APP).start();
  app = await startTestApp(
    {
      FORM_SECRET: "e".repeat(40),
      DATABASE_URL: await ownDatabase("digest_dingtalk"),
      ...fake.botEnv(),
      DINGTALK_KEEPALIVE_MS: "300",
    },
    () => MONDAY,
  );
  await fake.waitForOpen();
});
afterAll(async () => {
  await app?.close();
  await fake?.stop();
});

async function says(conversationId: string, userId: string, text: string, nick = "王主任"): Promise<void> {
  const before = fake.sent.length;
  const m = await fake.userSays({ conversationId, userId, text, nick });
  await waitFor(() => fake.sent.slice(before).find((s) => s.target === m.session || s.target === conversationId), 10_000, `reply to ${text}`);
}

describe("weekly digest on DingTalk", { timeout: 90_000 }, () => {
  it("reaches the principal 1:1 as markdown, then the chart as sampleImageMsg with a signed photoURL that serves a PNG", async () => {
    const conversationId = unique("cid");
    const admin = unique("staff");
    const principal = unique("staff");
    await says(conversationId, admin, `/绑定 ${unique("共同体")}`);
    await says(conversationId, admin, "/学校 添加 清涧县第二小学 核心 二小");
    await says(conversationId, principal, "/进度", "张校长");
    await says(conversationId, admin, "/成员 张校长 二小 校长");

    const forms = { baseUrl: app.url, secret: "e".repeat(40), ttlMs: 86_400_000 };
    await runDigestWork({ db: app.db, producers: app.producers, log: app.log, now: () => MONDAY, forms }, MONDAY);
    const text = await waitFor(() => fake.sent.find((s) => s.via === "user" && s.target === principal && s.body.msgKey === "sampleMarkdown"), 10_000, "digest text");
    expect(String(text.body.msgParam)).toMatch(/周报/);
    const image = await waitFor(() => fake.sent.find((s) => s.via === "user" && s.target === principal && s.body.msgKey === "sampleImageMsg"), 10_000, "digest chart");
    const photoURL = String((JSON.parse(String(image.body.msgParam)) as { photoURL: string }).photoURL);
    expect(photoURL).toMatch(/\/c\//);
    expect(String(text.body.msgParam)).toContain(photoURL);
    const png = await fetch(photoURL);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(decodePng(Buffer.from(await png.arrayBuffer())).width).toBe(750);
    // The group gets the short text only.
    const group = await waitFor(() => fake.sent.find((s) => s.target === conversationId && JSON.stringify(s.body).includes("周报")), 10_000, "group digest");
    expect(JSON.stringify(group.body)).not.toContain("sampleImageMsg");
  });
});

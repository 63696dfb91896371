/**
 * Issue 25, deliverables 3 and 4 on DingTalk: pictures in a richText message (a command typed with
 * a picture) or alone in a 1:1 chat (msgtype "picture") are the record's evidence. The real
 * dingtalk-stream client receives them from the fake DingTalk, the bot exchanges each downloadCode
 * at POST /v1.0/robot/messageFiles/download (strict: expired codes and another robot's refused)
 * and fetches the picture; checked and stripped like form photos. Real queue, worker and database.
 */
import exifr from "exifr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { FakeDingtalk, type Sent } from "./fakes/dingtalk.ts";
import { waitFor } from "./fakes/http-util.ts";
import { startTestApp, TEST_NOW } from "./support/harness.ts";
import { testPrefix, unique } from "./support/env.ts";
import { jpegWithGps } from "./support/jpeg-gps.ts";

const APP = { clientId: "dingphotos", clientSecret: "dt-photo-secret" };
let fake: FakeDingtalk;
let app: App;
let clock = TEST_NOW.getTime();

beforeAll(async () => {
  fake = await new FakeDingtalk(APP).start();
  app = await startTestApp({ ...fake.botEnv(), QUEUE_PREFIX: testPrefix(), DINGTALK_KEEPALIVE_MS: "300", LOG_LEVEL: process.env.DEBUG_LOG ?? "silent" }, () => new Date(clock));
  await fake.waitForOpen();
});
afterAll(async () => {
  await app?.close();
  await fake?.stop();
});

const textOf = (s: Sent) => JSON.stringify(s.body);

async function answer(before: number, session: string, target: string, what: string): Promise<string> {
  const first = await waitFor(() => fake.sent.slice(before).find((s) => s.target === session || s.target === target), 20_000, what);
  // A reply of several messages: give the rest a moment to arrive.
  await new Promise((r) => setTimeout(r, 300));
  return [first, ...fake.sent.slice(before).filter((s) => s !== first && (s.target === session || s.target === target))].map(textOf).join("\n");
}

async function says(conversationId: string, userId: string, text: string, opts: { group?: boolean; pictureCodes?: string[] } = {}): Promise<string> {
  const before = fake.sent.length;
  const m = await fake.userSays({ conversationId, userId, text, ...opts });
  return answer(before, m.session, opts.group === false ? userId : conversationId, text);
}

async function photosOf(communityChat: string, number: number) {
  const activity = await app.db.activity.findFirst({ where: { number, sourceMessageKey: { contains: communityChat } } });
  if (!activity) throw new Error(`no record #${number}`);
  return app.db.activityPhoto.findMany({ where: { sourceMessageKey: activity.sourceMessageKey } });
}

describe("DingTalk: pictures are a record's evidence", () => {
  const conversationId = unique("cid");
  const admin = unique("staff");
  const direct = unique("dcid");

  it("a group's richText records with its picture; the consent button attaches it; EXIF is gone", async () => {
    await says(conversationId, admin, `/绑定 ${unique("共同体")}`);
    await says(conversationId, admin, "/学校 添加 清涧县第二小学 核心 二小");
    const code = fake.servePicture(jpegWithGps());
    const before = fake.sent.length;
    const reply = await says(conversationId, admin, "/记录 示范课 11月20日 二小 语文", { pictureCodes: [code] });
    expect(reply).toMatch(/已记录 #1/);
    expect(reply).toMatch(/收到照片 1 张，还没附上/);
    const card = fake.sent.slice(before).find((s) => s.via === "card");
    const cardBizId = String(card?.body.cardBizId);
    const consent = fake.cardButtons(cardBizId).find((b) => b.label === "已取得同意，附上");
    expect(consent).toBeDefined();
    const [conn] = await fake.waitForOpen();
    fake.cardClick(conn!, { userId: admin, cardBizId, actionId: consent!.id });
    await waitFor(() => (fake.cards.get(cardBizId)?.updates ?? 0) >= 1, 15_000, "card update");
    expect(JSON.stringify(fake.cards.get(cardBizId)?.data)).toMatch(/照片已附到 #1/);
    const photos = await photosOf(conversationId, 1);
    expect(photos).toHaveLength(1);
    const file = await app.db.storedFile.findUnique({ where: { key: `photos/${photos[0]!.communityId}/${photos[0]!.fileName}` }, include: { chunks: true } });
    const bytes = Buffer.concat(file!.chunks.map((c) => Buffer.from(c.data)));
    expect(await exifr.gps(bytes)).toBeUndefined();
    expect(fake.downloadCodeCalls.filter((c) => c.downloadCode === code)).toEqual([{ downloadCode: code, robotCode: APP.clientId, status: 200 }]);
  });

  it("1:1: a picture right after the sender's record is attached; later, the last three records are offered and pressing one attaches it", async () => {
    expect(await says(direct, admin, "/记录 听评课 11月21日 二小 数学", { group: false })).toMatch(/已记录 #2/);
    let before = fake.sent.length;
    let m = await fake.userSendsPicture({ userId: admin, conversationId: direct, downloadCode: fake.servePicture(jpegWithGps()) });
    expect(await answer(before, m.session, admin, "1:1 picture")).toMatch(/照片已附到 #2（听评课 11月21日）/);
    expect(await photosOf(direct, 2)).toHaveLength(1);

    clock += 11 * 60_000;
    try {
      await says(conversationId, admin, "/记录 教研活动 11月21日 二小"); // #3, made now: recent again
      clock += 11 * 60_000;
      before = fake.sent.length;
      m = await fake.userSendsPicture({ userId: admin, conversationId: direct, downloadCode: fake.servePicture(jpegWithGps()) });
      const ask = await answer(before, m.session, admin, "which record");
      expect(ask).toMatch(/附到哪条记录/);
      // 1:1 buttons are an ActionCard whose links make the client send the command (dtmd sendMessage).
      const sent = fake.sent.slice(before).find((s) => (s.body.msgtype === "actionCard" || s.body.msgKey === "sampleActionCard3") && /附到哪条记录/.test(textOf(s)));
      const btns = (sent?.body.actionCard as { btns?: { title: string; actionURL: string }[] } | undefined)?.btns ?? [];
      expect(btns.map((b) => b.title)).toEqual(["#3 教研活动 11月21日", "#2 听评课 11月21日", "#1 示范课 11月20日"]);
      const tapBefore = fake.sent.length;
      const tap = await fake.tapSendMessageLink(btns[2]!.actionURL, { userId: admin, conversationId: direct, group: false });
      expect(await answer(tapBefore, tap!.session, admin, "tap")).toMatch(/照片已附到 #1（示范课 11月20日）/);
      expect(await photosOf(conversationId, 1)).toHaveLength(2);
    } finally {
      clock = TEST_NOW.getTime();
    }
  });

  it("the same message pushed again attaches nothing twice and exchanges no code again", async () => {
    const code = fake.servePicture(jpegWithGps());
    const before = fake.sent.length;
    const m = await fake.userSays({ conversationId, userId: admin, text: "/记录 示范课 11月22日 二小", pictureCodes: [code] });
    expect(await answer(before, m.session, conversationId, "record with picture")).toMatch(/已记录 #4[\s\S]*已附照片 1 张/);
    // DingTalk never pushes a robot message twice, but duplicates can arrive: the same msgId again.
    await fake.userSays({ conversationId, userId: admin, text: "/记录 示范课 11月22日 二小", pictureCodes: [code], msgId: m.msgId });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await photosOf(conversationId, 4)).toHaveLength(1);
    expect(fake.downloadCodeCalls.filter((c) => c.downloadCode === code)).toHaveLength(1);
  });

  it("an expired download code or a picture over 10 MB: one short line, the record kept", async () => {
    const expired = fake.servePicture(jpegWithGps(), -1);
    const large = fake.servePicture(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(10 * 1024 * 1024 + 1)]));
    const reply = await says(conversationId, admin, "/记录 示范课 11月22日 二小 语文", { pictureCodes: [expired, large] });
    expect(reply).toMatch(/已记录 #5/);
    expect(reply).toMatch(/第1张照片没有保存：没能从平台取到/);
    expect(reply).toMatch(/第2张照片没有保存：超过10MB/);
    expect(fake.downloadCodeCalls.find((c) => c.downloadCode === expired)?.status).toBe(400);
    expect(await photosOf(conversationId, 5)).toHaveLength(0);
  });
});

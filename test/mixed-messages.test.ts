/**
 * Issue 25, deliverable 3: messages that carry text and a picture are read. WeCom 智能机器人
 * `mixed` (text plus image, the only non-text kind WeCom delivers in groups) and DingTalk
 * `richText` (a command typed with a picture attached): the text part is the command, the
 * pictures ride along as its evidence. WeCom's robot @name after or inside the command goes like
 * a leading one; a sentence-final 「。」 from speech input hides no command. A voice message's
 * transcription is read like typed text and said back first (deliverable 4). Shapes: WeCom
 * developer.work.weixin.qq.com/document/path/100719 and @wecom/aibot-node-sdk dist/index.d.ts
 * (MixedMessage); DingTalk open.dingtalk.com/document/orgapp/receive-message (richText).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { messageFromRobot } from "../bot/dingtalk/inbound.ts";
import { messageFromFrame, withoutRobotMention } from "../bot/wecom/inbound.ts";
import { dropSpokenFullStop } from "../core/normalize.ts";
import { activitiesForChat } from "../db/activities.ts";
import { FakeDingtalk } from "./fakes/dingtalk.ts";
import { waitFor } from "./fakes/http-util.ts";
import { FakeWecom, textOf } from "./fakes/wecom.ts";
import { startTestApp } from "./support/harness.ts";
import { testPrefix, unique } from "./support/env.ts";

const NOW = new Date("2026-11-22T04:00:00Z");

describe("reading the platforms' text-and-picture messages", () => {
  it("WeCom mixed: the text items are the command, the image items its pictures", () => {
    // The 图文混排 sample's shape (document 100719): text and image items, the robot's @name kept as typed.
    const frame = {
      headers: { req_id: "REQID" },
      body: {
        msgid: "CAIQz7/MjQYY/NGagIOAgAMgl8jK/gI=",
        aibotid: "AIBOTID",
        chatid: "CHATID",
        chattype: "group",
        from: { userid: "USERID" },
        msgtype: "mixed",
        mixed: {
          msg_item: [
            { msgtype: "text", text: { content: "@RobotA /记录 示范课 11月20日 二小 语文" } },
            { msgtype: "image", image: { url: "https://ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com/BHoPdA3/7571665296904772241?sign=x", aeskey: "AESKEY1" } },
          ],
        },
      },
    };
    const m = messageFromFrame(frame, NOW);
    expect(m?.text).toBe("/记录 示范课 11月20日 二小 语文");
    expect(m?.chatType).toBe("group");
    expect(m?.pictures).toEqual([{ url: frame.body.mixed.msg_item[1]!.image!.url, aeskey: "AESKEY1" }]);
    // A picture with no text in a group is no message for the bot (1:1 it is evidence for a record: chat-photos tests).
    expect(messageFromFrame({ ...frame, body: { ...frame.body, mixed: { msg_item: [frame.body.mixed.msg_item[1]!] } } }, NOW)).toBeUndefined();
  });

  it("a picture alone is a message only in a 1:1 chat (WeCom image, DingTalk picture), with empty text and its picture", () => {
    // WeCom image message (document 100719; SDK ImageMessage): image.url + image.aeskey; 1:1 only.
    const image = { msgid: "IMG1", aibotid: "AIBOTID", chattype: "single", from: { userid: "USERID" }, msgtype: "image", image: { url: "https://ww-aibot-img.example/x?sign=1", aeskey: "K" } };
    expect(messageFromFrame({ headers: { req_id: "R" }, body: image }, NOW)).toMatchObject({ chatType: "direct", text: "", pictures: [{ url: image.image.url, aeskey: "K" }] });
    expect(messageFromFrame({ headers: { req_id: "R" }, body: { ...image, chattype: "group", chatid: "C" } }, NOW)).toBeUndefined();
    // Quoting a message keeps the quoted text (SDK QuoteContent), so a picture sent as a reply finds its record.
    expect(messageFromFrame({ headers: { req_id: "R" }, body: { ...image, quote: { msgtype: "text", text: { content: "✅ 已记录 #12" } } } }, NOW)?.quotedText).toBe("✅ 已记录 #12");
    // DingTalk picture message (receive-message, 图片): content.downloadCode; 1:1 only.
    const picture = { msgId: "msgP", conversationId: "cidP", conversationType: "1", senderStaffId: "staff1", msgtype: "picture", content: { downloadCode: "DCP", pictureDownloadCode: "DCP" } };
    expect(messageFromRobot(picture, NOW)).toMatchObject({ chatType: "direct", text: "", pictures: [{ downloadCode: "DCP" }] });
    expect(messageFromRobot({ ...picture, conversationType: "2" }, NOW)).toBeUndefined();
  });

  it("WeCom: the robot's @name after or inside the command is removed; another person's stays", () => {
    expect(withoutRobotMention("/记录 示范课 11月20日 二小 @教联体助手", true)).toBe("/记录 示范课 11月20日 二小");
    expect(withoutRobotMention("/记录 示范课 @教联体助手 11月20日 二小", true)).toBe("/记录 示范课 11月20日 二小");
    expect(withoutRobotMention("@教联体助手 /成员 @王芳 二小 校长", true)).toBe("/成员 @王芳 二小 校长");
    expect(withoutRobotMention("/成员 @王芳 二小 校长 @教联体助手", true)).toBe("/成员 @王芳 二小 校长");
    // 1:1: nobody needs to @ the robot, so an @name is someone else's.
    expect(withoutRobotMention("/成员 @王芳 二小 校长", false)).toBe("/成员 @王芳 二小 校长");
  });

  it("DingTalk richText: the text items are the command, the picture items its pictures; 1:1 too", () => {
    const base = { msgId: "msgNEW", conversationId: "cidGROUP==", conversationType: "2", senderStaffId: "staff1", senderNick: "张老师", chatbotUserId: "robot", isInAtList: true };
    const content = { richText: [{ text: " /记录 示范课 11月20日 二小 语文" }, { type: "picture", downloadCode: "DC1", pictureDownloadCode: "PDC1" }, { text: "45人" }] };
    const group = messageFromRobot({ ...base, msgtype: "richText", content }, NOW);
    expect(group?.text).toBe("/记录 示范课 11月20日 二小 语文\n45人");
    expect(group?.pictures).toEqual([{ downloadCode: "DC1" }]);
    const direct = messageFromRobot(
      { ...base, conversationType: "1", msgtype: "richText", content: { richText: [{ type: "picture", pictureDownloadCode: "PDC2" }, { text: "/记录 听评课 今天 郝家也" }] } },
      NOW,
    );
    expect(direct?.chatType).toBe("direct");
    expect(direct?.text).toBe("/记录 听评课 今天 郝家也");
    expect(direct?.pictures).toEqual([{ downloadCode: "PDC2" }]);
    expect(messageFromRobot({ ...base, msgtype: "richText", content: { richText: [{ type: "picture", downloadCode: "DC3" }] } }, NOW)).toBeUndefined();
  });

  it("a sentence-final 「。」 from speech input is dropped; one inside stays", () => {
    expect(dropSpokenFullStop("/记录 示范课 11月20日 二小 语文。")).toBe("/记录 示范课 11月20日 二小 语文");
    expect(dropSpokenFullStop("备注=效果很好。下次再来。 ")).toBe("备注=效果很好。下次再来");
  });
});

describe("end to end", () => {
  let wecom: FakeWecom;
  let dingtalk: FakeDingtalk;
  let wecomApp: App;
  let dingApp: App;
  beforeAll(async () => {
    wecom = await new FakeWecom({ mixbot: "s3cret" }).start();
    dingtalk = await new FakeDingtalk({ clientId: "dingmixed", clientSecret: "dt-secret" }).start();
    wecomApp = await startTestApp({ ...wecom.botEnv("mixbot") });
    dingApp = await startTestApp({ ...dingtalk.botEnv(), QUEUE_PREFIX: testPrefix() });
    await Promise.all([wecom.waitForLive(), dingtalk.waitForOpen()]);
  });
  afterAll(async () => {
    await Promise.all([wecomApp?.close(), dingApp?.close()]);
    await Promise.all([wecom?.stop(), dingtalk?.stop()]);
  });

  it("WeCom: a group's mixed message with the @name last and a spoken 「。」 is recorded", async () => {
    const chatId = unique("wc");
    const admin = unique("wu");
    const say = async (text: string) => {
      const frame = await wecom.userSays({ chatId, userId: admin, text });
      return textOf(await wecom.waitForReceived((r) => r.reqId === frame.headers.req_id && r.cmd === "aibot_respond_msg", 15_000, text));
    };
    await say(`/绑定 ${unique("共同体")}`);
    await say("/学校 添加 清涧县第二小学 核心 二小");
    const frame = await wecom.userSendsMixed({
      chatId,
      userId: admin,
      items: [{ text: "/记录 示范课 11月20日 二小 语文。 @教联体助手" }, { image: wecom.servePicture(Buffer.from("not a picture")) }],
    });
    const reply = await wecom.waitForReceived((r) => r.reqId === frame.headers.req_id && r.cmd === "aibot_respond_msg", 15_000, "mixed");
    expect(textOf(reply)).toMatch(/已记录 #1/);
    const [record] = (await activitiesForChat(wecomApp.db, "wecom", chatId, true)) ?? [];
    expect(record).toMatchObject({ kind: "示范课", subject: "语文" });
    // Voice, 1:1 (WeCom delivers voice only there, transcribed in voice.content): read like
    // typed text, and what was heard is said back first.
    const voice = await wecom.userSays({ userId: admin, text: "记录 听评课 11月19日 二小 数学。", voice: true });
    const heard = textOf(await wecom.waitForReceived((r) => r.reqId === voice.headers.req_id && r.cmd === "aibot_respond_msg", 15_000, "voice"));
    expect(heard).toMatch(/^🎤 听到：记录 听评课 11月19日 二小 数学\n✅ 已记录 #2/);
  });

  it("DingTalk: a richText message (command and picture) in a group is recorded", async () => {
    const conversationId = unique("cid");
    const admin = unique("staff");
    const say = async (text: string, pictureCodes?: string[]) => {
      const before = dingtalk.sent.length;
      const m = await dingtalk.userSays({ conversationId, userId: admin, text, ...(pictureCodes ? { pictureCodes } : {}) });
      return JSON.stringify((await waitFor(() => dingtalk.sent.slice(before).find((s) => s.target === m.session || s.target === conversationId), 20_000, text)).body);
    };
    await say(`/绑定 ${unique("共同体")}`);
    await say("/学校 添加 清涧县第二小学 核心 二小");
    expect(await say("/记录 示范课 11月20日 二小 语文", ["DOWNLOADCODE1"])).toMatch(/已记录 #1/);
    const [record] = (await activitiesForChat(dingApp.db, "dingtalk", conversationId, true)) ?? [];
    expect(record).toMatchObject({ kind: "示范课", subject: "语文" });
  });
});

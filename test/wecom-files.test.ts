/**
 * Exports as WeCom file messages, through the real SDK and pipeline against the fake WeCom: the
 * 智能机器人 uploads the file over its long connection and replies with it on the message's req_id;
 * the self-built app uploads it with media/upload and sends a file message. The bytes the fake
 * received open with the real readers, under the Chinese name. A file WeCom will not take (too
 * large, upload refused) leaves the text with its link, once, without retries.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { encrypt, getSignature } from "@wecom/crypto";
import ExcelJS from "exceljs";
import { Redis } from "ioredis";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { WecomAdapter } from "../bot/wecom/adapter.ts";
import { WecomAppApi } from "../bot/wecom/app-api.ts";
import { MAX_FILE_BYTES } from "../bot/wecom/files.ts";
import type { OutboundMessage } from "../messages/messages.ts";
import { waitFor } from "./fakes/http-util.ts";
import { waitFor as waitUntil } from "./support/process.ts";
import { FakeWecom, textOf } from "./fakes/wecom.ts";
import { testPrefix, unique } from "./support/env.ts";
import { startTestApp, TEST_NOW } from "./support/harness.ts";

const BOT = "jlfiles";
/** A second bot of the fake, so an adapter built in a test does not take the app's connection over. */
const OTHER = "jlfiles2";
const APP = { token: "QDG6eK", aesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", corpId: "wx5823bf96d3bd56c7", secret: "app-secret" };
let fake: FakeWecom;
let app: App;

beforeAll(async () => {
  fake = await new FakeWecom({ [BOT]: "s3cret", [OTHER]: "s3cret2" }, { corpId: APP.corpId, corpSecret: APP.secret }).start();
  app = await startTestApp({
    FORM_SECRET: "f".repeat(40),
    ...fake.botEnv(BOT),
    ...fake.appEnv(APP),
  });
  await fake.waitForLive();
});

afterAll(async () => {
  await app?.close();
  await fake?.stop();
});

const mediaOf = (body: Record<string, unknown>) => fake.media.get(String((body.file as { media_id?: string } | undefined)?.media_id))!;

async function says(chatId: string | undefined, userId: string, text: string): Promise<{ reqId: string; text: string }> {
  const frame = await fake.userSays({ chatId, userId, text });
  const reply = await fake.waitForReceived((r) => r.reqId === frame.headers.req_id && r.cmd === "aibot_respond_msg" && r.body.msgtype !== "file", 10_000, `reply to ${text}`);
  return { reqId: frame.headers.req_id, text: textOf(reply) };
}

/** A WeCom group bound to a fresh community with one record and a principal of 郝家也. */
async function community() {
  const chatId = unique("wc");
  const admin = unique("wu");
  const principal = unique("wp");
  const name = unique("共同体");
  await says(chatId, admin, `/绑定 ${name}`);
  await says(chatId, admin, "/学校 添加 清涧县第二小学 核心 二小");
  await says(chatId, admin, "/学校 添加 郝家也中心小学 成员 郝家也");
  await says(chatId, principal, "/进度"); // the principal's WeCom account joins the community (and reaches it 1:1 later)
  expect((await says(chatId, admin, `/成员 ${principal} 郝家也 校长`)).text).toMatch(/校长/);
  expect((await says(chatId, admin, "/记录 示范课 11月20日 二小 参与=郝家也 语文 《分数的意义》 35人")).text).toMatch(/已记录 #1/);
  return { chatId, admin, principal, name };
}

async function workbookOf(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

describe("exports as file messages of the 智能机器人", { timeout: 60_000 }, () => {
  it("a principal's /导出 台账 in a group: the text with its link, then the .xlsx as a file reply on the same req_id", async () => {
    const { chatId, principal, name } = await community();
    const { reqId, text } = await says(chatId, principal, "/导出 台账");
    expect(text).toMatch(/\/d\//);
    const reply = await fake.waitForReceived((r) => r.reqId === reqId && r.body.msgtype === "file", 15_000, "file reply");
    expect(reply.cmd).toBe("aibot_respond_msg");
    const media = mediaOf(reply.body);
    expect(media.type).toBe("file");
    expect(media.filename).toMatch(new RegExp(`^${name}郝家也中心小学活动台账.*\\.xlsx$`));
    const wb = await workbookOf(media.bytes);
    expect(wb.getWorksheet("活动台账")?.getRow(2).getCell(4).value).toBe("示范课");
    // A reply, not a proactive send: the conversation's quota is untouched.
    expect(fake.sendAttempts.filter((a) => a.chatid === chatId)).toHaveLength(0);
  });

  it("/导出 总结 sends the .docx", async () => {
    const { chatId, principal, name } = await community();
    const { reqId } = await says(chatId, principal, "/导出 总结");
    const reply = await fake.waitForReceived((r) => r.reqId === reqId && r.body.msgtype === "file", 15_000, "docx reply");
    const media = mediaOf(reply.body);
    expect(media.filename).toMatch(new RegExp(`^${name}.*工作总结\\.docx$`));
    const xml = await (await JSZip.loadAsync(media.bytes)).file("word/document.xml")!.async("string");
    expect(xml).toContain("基本情况");
  });

  it("an upload WeCom refuses leaves the text and link, is tried once and never retried", async () => {
    const { chatId, principal } = await community();
    const before = fake.conns.flatMap((c) => c.frames).filter((f) => f.cmd === "aibot_upload_media_init").length;
    fake.refuseUploads = { errcode: 45001, errmsg: "media size out of limit" };
    try {
      const { reqId, text } = await says(chatId, principal, "/导出 台账");
      expect(text).toMatch(/\/d\//);
      await waitFor(() => fake.conns.flatMap((c) => c.frames).filter((f) => f.cmd === "aibot_upload_media_init").length > before, 10_000, "the upload attempt");
      await new Promise((r) => setTimeout(r, 2500)); // a retry would come after BullMQ's 1 s backoff
      expect(fake.conns.flatMap((c) => c.frames).filter((f) => f.cmd === "aibot_upload_media_init").length).toBe(before + 1);
      expect(fake.received.filter((r) => r.reqId === reqId && r.body.msgtype === "file")).toHaveLength(0);
      // The bot still answers.
      expect((await says(chatId, principal, "/帮助")).text).toMatch(/记录/);
    } finally {
      fake.refuseUploads = undefined;
    }
  });
});

describe("a file over WeCom's 20 MB limit", () => {
  let server: Server;
  let big: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(MAX_FILE_BYTES + 1), "content-disposition": "attachment; filename*=UTF-8''%E5%A4%A7.xlsx" });
      res.end(Buffer.alloc(MAX_FILE_BYTES + 1));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    big = `http://127.0.0.1:${(server.address() as AddressInfo).port}/d/big`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("is not uploaded: the text with the link goes out, every send resolves", async () => {
    const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    const adapter = new WecomAdapter({ bot: { botId: OTHER, secret: "s3cret2", wsUrl: fake.wsUrl, heartbeatMs: 300 }, redis, prefix: testPrefix(), log: app.log });
    const chatId = unique("wu");
    const uploadsBefore = fake.conns.flatMap((c) => c.frames).filter((f) => f.cmd === "aibot_upload_media_init").length;
    try {
      await adapter.start(async () => ({ jobId: "", existed: false }));
      await waitFor(() => adapter.connection?.state === "online", 5000, "adapter online");
      await fake.waitForLive(OTHER);
      const message: OutboundMessage = { platform: "wecom", chatId, chatType: "direct", replies: [{ text: `汇总台账：${big}`, file: { url: big, label: "汇总台账（Excel）" } }] };
      for (const d of adapter.plan(message)) await d.send();
      expect(fake.received.filter((r) => r.body.chatid === chatId).map((r) => r.body.msgtype)).toEqual(["markdown"]);
      expect(fake.conns.flatMap((c) => c.frames).filter((f) => f.cmd === "aibot_upload_media_init").length).toBe(uploadsBefore);
    } finally {
      await adapter.stop();
      redis.disconnect();
    }
  });
});

describe("exports as file messages of the self-built app", { timeout: 60_000 }, () => {
  /** A callback as WeCom sends it for a user's text message to the app (WXBizMsgCrypt, document/path/90968). */
  async function appSays(text: string, from: string) {
    // Signed at the app's own instant: the callback refuses a timestamp more than five minutes from the bot's clock.
    const ts = String(Math.floor(TEST_NOW.getTime() / 1000));
    const inner = `<xml><ToUserName><![CDATA[${APP.corpId}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>${Date.now()}${Math.floor(Math.random() * 1e6)}</MsgId><AgentID>218</AgentID></xml>`;
    const enc = encrypt(APP.aesKey, inner, APP.corpId);
    const q = new URLSearchParams({ msg_signature: getSignature(APP.token, ts, "n1", enc), timestamp: ts, nonce: "n1" });
    const res = await fetch(`${app.url}/wecom/callback?${q}`, {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body: `<xml><ToUserName><![CDATA[${APP.corpId}]]></ToUserName><AgentID><![CDATA[218]]></AgentID><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`,
    });
    expect(res.status).toBe(200);
  }

  it("a principal's /导出 台账 to the app: markdown with the link, then a file message whose upload opens as the .xlsx", async () => {
    const { principal, name } = await community();
    const before = fake.appCalls.length;
    await appSays("/导出 台账", principal);
    const file = await waitFor(() => fake.appCalls.slice(before).find((c) => c.body.touser === principal && c.body.msgtype === "file"), 15_000, "app file message");
    expect(file.path).toBe("/cgi-bin/message/send");
    expect(file.body.agentid).toBe(218);
    const text = fake.appCalls.slice(before).find((c) => c.body.touser === principal && c.body.msgtype === "markdown");
    expect(String((text?.body.markdown as { content?: string } | undefined)?.content)).toMatch(/\/d\//);
    const media = mediaOf(file.body);
    expect(media.filename).toMatch(new RegExp(`^${name}郝家也中心小学活动台账.*\\.xlsx$`));
    expect((await workbookOf(media.bytes)).worksheets.map((s) => s.name)).toContain("活动台账");
  });

  it("an app upload refused: the markdown with the link only, one upload attempt", async () => {
    const { principal } = await community();
    const before = fake.appCalls.length;
    const uploads = fake.mediaUploads.length;
    fake.refuseUploads = { errcode: 45001, errmsg: "media size out of limit" };
    try {
      await appSays("/导出 台账", principal);
      await waitFor(() => fake.mediaUploads.length > uploads, 15_000, "the upload attempt");
      await new Promise((r) => setTimeout(r, 2500));
      expect(fake.mediaUploads.length).toBe(uploads + 1);
      const mine = fake.appCalls.slice(before).filter((c) => c.body.touser === principal);
      expect(mine.map((c) => c.body.msgtype)).toEqual(["markdown"]);
    } finally {
      fake.refuseUploads = undefined;
    }
  });

  it("a throttled app upload waits and goes again (the job is delayed, not given up): the file arrives once WeCom takes it", async () => {
    const { principal } = await community();
    const before = fake.appCalls.length;
    fake.refuseUploads = { errcode: 45009, errmsg: "api freq out of limit" };
    let delayed: Awaited<ReturnType<typeof app.producers.outbound.queue.getJobs>>[number] | undefined;
    try {
      await appSays("/导出 台账", principal);
      delayed = await waitUntil(async () => (await app.producers.outbound.queue.getJobs(["delayed"])).find((j) => j.data.chatId === principal), 15_000);
    } finally {
      fake.refuseUploads = undefined;
    }
    await delayed!.promote();
    await waitFor(() => fake.appCalls.slice(before).find((c) => c.body.touser === principal && c.body.msgtype === "file"), 15_000, "app file message after the wait");
    // The markdown went out once: the retry resumed after it.
    expect(fake.appCalls.slice(before).filter((c) => c.body.touser === principal && c.body.msgtype === "markdown")).toHaveLength(1);
  });
});

describe("the fake's media/upload is as strict as WeCom's", () => {
  const api = () => new WecomAppApi({ apiBase: fake.apiBase, corpId: APP.corpId, secret: APP.secret, agentId: 218 });

  it("refuses 5 bytes, over 20 MB, a part not named media, and a file message with an unknown media_id", async () => {
    await expect(api().uploadFile(Buffer.from("12345"), "小.txt")).rejects.toThrow(/errcode 40006/);
    await expect(api().uploadFile(Buffer.alloc(MAX_FILE_BYTES + 1), "大.xlsx")).rejects.toThrow(/errcode 45001/);
    const form = new FormData();
    form.append("file", new Blob([Buffer.from("hello world")]), "错.txt");
    const token = (await (await fetch(`${fake.apiBase}/cgi-bin/gettoken?corpid=${APP.corpId}&corpsecret=${APP.secret}`)).json()) as { access_token: string };
    const wrong = (await (await fetch(`${fake.apiBase}/cgi-bin/media/upload?access_token=${token.access_token}&type=file`, { method: "POST", body: form })).json()) as { errcode: number };
    expect(wrong.errcode).toBe(44001);
    await expect(api().sendFileToUser(unique("wu"), "media-nope")).rejects.toThrow(/errcode 40007/);
    const id = await api().uploadFile(Buffer.from("hello world"), "好.txt");
    expect(fake.media.get(id)).toMatchObject({ type: "file", filename: "好.txt" });
  });
});

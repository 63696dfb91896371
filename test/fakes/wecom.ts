/**
 * A local WeCom for tests, speaking the protocol the real SDK speaks (written from
 * @wecom/aibot-node-sdk's frames and WeCom's documentation): the 智能机器人 WebSocket
 * (aibot_subscribe auth, ping, aibot_msg_callback / aibot_event_callback pushes, respond /
 * update / welcome / send acknowledgements with errcodes, disconnected_event when a newer
 * connection of the same bot authenticates), and the HTTP APIs the app mode and robot webhooks
 * call (gettoken, message/send, appchat/send, webhook/send with its 20-per-minute limit).
 * App API refusals as WeCom documents them: 60020 "not allow to access from your ip" when the
 * caller is not one of the app's 企业可信IP (全局错误码 https://developer.work.weixin.qq.com/document/path/90313,
 * errmsg format as WeCom returns it with the hint and devtool link), and message/send's
 * errcode-0 answer listing undeliverable recipients in invaliduser / invalidparty
 * (发送应用消息 https://developer.work.weixin.qq.com/document/path/90236).
 * Files: temporary media uploaded over the long connection (aibot_upload_media_*) or the app's
 * media/upload (multipart field "media"), sent as file messages; and the 智能机器人's proactive-send
 * quota per conversation per day (see QUOTA below: the errcode is an assumption, not documented).
 * Pictures people send (see servePicture): an encrypted download url valid five minutes, with its own aeskey.
 */
import { createCipheriv, createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { readBody, sendJson, waitFor, WindowCounter } from "./http-util.ts";

export interface Frame {
  cmd?: string;
  headers: { req_id: string };
  body?: Record<string, unknown>;
  errcode?: number;
  errmsg?: string;
}

interface Conn {
  ws: WebSocket;
  botId?: string;
  authed: boolean;
  frames: Frame[];
}

export interface Received {
  cmd: string;
  reqId: string;
  body: Record<string, unknown>;
  at: number;
}

const UPDATE_WINDOW_MS = 5000;

/**
 * Temporary media limits (上传临时素材 https://developer.work.weixin.qq.com/document/path/90253 and
 * /96484): every file more than 5 bytes; image ≤ 10 MB, voice ≤ 2 MB, video ≤ 10 MB, file ≤ 20 MB;
 * a media_id is valid for 3 days. The same limits hold for media uploaded by the 智能机器人 over its
 * long connection (document/path/101463 上传临时素材; SDK 1.0.7 uploadMedia: 512 KB chunks, ≤ 100).
 */
const MEDIA_LIMITS: Record<string, number> = { image: 10 * 1024 * 1024, voice: 2 * 1024 * 1024, video: 10 * 1024 * 1024, file: 20 * 1024 * 1024 };
const MEDIA_LIFE_MS = 3 * 24 * 3600_000;

/**
 * The 智能机器人's proactive-send quota: reported as 10 aibot_send_msg per conversation per day. The
 * official long-connection doc (document/path/101463, 主动推送消息) states neither the number nor an
 * errcode; this fake ASSUMES WeCom's general frequency-limit answer, errcode 45009 "api freq out of
 * limit" (全局错误码 https://developer.work.weixin.qq.com/document/path/90313), and a reset at midnight
 * Beijing time (a natural day, as 访问频率限制 document/path/90454 says of WeCom's daily limits).
 */
export const QUOTA = { perDay: 10, errcode: 45009, errmsg: "api freq out of limit, proactive message quota of this chat exceeded today" };
const beijingDay = (ms: number) => Math.floor((ms + 8 * 3600_000) / (24 * 3600_000));

export class FakeWecom {
  private http!: Server;
  private wss!: WebSocketServer;
  readonly conns: Conn[] = [];
  /** Every command frame the bot sent (replies, updates, sends), in order. */
  readonly received: Received[] = [];
  readonly webhookCalls: { key: string; body: Record<string, unknown>; at: number; errcode: number }[] = [];
  readonly appCalls: { path: string; body: Record<string, unknown> }[] = [];
  private readonly issued = new Map<string, { kind: "msg" | "event"; at: number }>();
  private readonly webhookLimits = new Map<string, WindowCounter>();
  /** When set, pings get no answer (a connection that is open but silent). */
  silent = false;
  /** The next N webhook calls answer 45009 whatever the count. */
  forceWebhookThrottle = 0;
  tokenCalls = 0;
  /** False: the caller's IP is not among the app's 企业可信IP (apps created after 2022-06-20 must list it). */
  trustedIp = true;
  /** When set, message/send only reaches these user ids (the app's visible range). */
  visibleUsers: Set<string> | undefined;
  /** Called for every frame the bot sends that the fake accepted (the benchmark waits on it). */
  onReceived: ((r: Received) => void) | undefined;
  /** The fake's own clock (quota days, media_id lifetime); tests may move it. */
  clock: () => number = () => Date.now();
  /** Every aibot_send_msg the bot attempted (accepted or refused), to count attempts. */
  readonly sendAttempts: { chatid: string; msgtype: string; errcode: number; at: number }[] = [];
  private readonly sentPerDay = new Map<string, number>();
  /** When set, every media upload (long connection init, app media/upload) is refused with this answer. */
  refuseUploads: { errcode: number; errmsg: string } | undefined;

  constructor(
    readonly bots: Record<string, string>,
    readonly opts: { webhookLimit?: number; webhookWindowMs?: number; corpId?: string; corpSecret?: string; proactivePerDay?: number } = {},
  ) {}

  /** The bot's settings for the 智能机器人 `botId` of this fake (long connection and API on loopback). */
  botEnv(botId: string): Record<string, string> {
    const secret = this.bots[botId];
    if (secret === undefined) throw new Error(`fake wecom: no bot ${botId}`);
    return { WECOM_BOT_ID: botId, WECOM_BOT_SECRET: secret, WECOM_WS_URL: this.wsUrl, WECOM_API_BASE: this.apiBase };
  }

  /** The self-built app's settings: WeCom's published callback sample keys, this fake's corp id and secret. */
  appEnv(callback: { token: string; aesKey: string }, agentId = "218"): Record<string, string> {
    return {
      WECOM_CORP_ID: this.opts.corpId ?? "",
      WECOM_APP_TOKEN: callback.token,
      WECOM_APP_AES_KEY: callback.aesKey,
      WECOM_APP_SECRET: this.opts.corpSecret ?? "",
      WECOM_AGENT_ID: agentId,
    };
  }

  get wsUrl() {
    return `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }
  get apiBase() {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }
  webhookUrl(key: string) {
    return `${this.apiBase}/cgi-bin/webhook/send?key=${key}`;
  }

  async start(): Promise<this> {
    this.http = createServer((req, res) => void this.onHttp(req, res).catch(() => sendJson(res, { errcode: -1 }, 500)));
    this.wss = new WebSocketServer({ server: this.http });
    this.wss.on("connection", (ws) => this.onConnection(ws));
    await new Promise<void>((r) => this.http.listen(0, "127.0.0.1", r));
    return this;
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    await new Promise<void>((r) => this.http.close(() => r()));
  }

  /** The authenticated, open connection of a bot (the newest). */
  live(botId = Object.keys(this.bots)[0]!): Conn | undefined {
    return [...this.conns].reverse().find((c) => c.authed && c.botId === botId && c.ws.readyState === c.ws.OPEN);
  }

  async waitForLive(botId?: string, timeoutMs = 10_000): Promise<Conn> {
    return waitFor(() => this.live(botId), timeoutMs, "an authenticated wecom connection");
  }

  /** Pushes a text message as WeCom does (group messages only when the bot is @-mentioned). */
  async userSays(o: { text: string; userId: string; chatId?: string; msgid?: string; voice?: boolean; reqId?: string }): Promise<Frame> {
    const conn = this.live() ?? (await this.waitForLive());
    const reqId = o.reqId ?? randomUUID();
    const group = o.chatId !== undefined;
    const body: Record<string, unknown> = {
      msgid: o.msgid ?? randomUUID().replace(/-/g, ""),
      aibotid: conn.botId,
      chattype: group ? "group" : "single",
      ...(group ? { chatid: o.chatId } : {}),
      from: { userid: o.userId },
      create_time: Math.floor(Date.now() / 1000),
      msgtype: o.voice ? "voice" : "text",
      ...(o.voice ? { voice: { content: o.text } } : { text: { content: group ? `@教联体助手 ${o.text}` : o.text } }),
    };
    const frame: Frame = { cmd: "aibot_msg_callback", headers: { req_id: reqId }, body };
    this.push(conn, frame, "msg");
    return frame;
  }

  /**
   * A message of text and pictures, as WeCom pushes it (msgtype "mixed", mixed.msg_item[]: text
   * items and image items with an encrypted download url and its aeskey) —
   * developer.work.weixin.qq.com/document/path/100719 (图文混排消息) and @wecom/aibot-node-sdk
   * dist/index.d.ts (MixedMessage). WeCom keeps the robot's @name where the person typed it
   * (the document's sample text "@RobotA hello robot"): `text` is sent as given.
   */
  async userSendsMixed(o: { items: ({ text: string } | { imageUrl: string } | { image: { url: string; aeskey: string } })[]; userId: string; chatId?: string; msgid?: string }): Promise<Frame> {
    const conn = this.live() ?? (await this.waitForLive());
    const group = o.chatId !== undefined;
    const msg_item = o.items.map((i) =>
      "text" in i ? { msgtype: "text", text: { content: i.text } } : { msgtype: "image", image: "image" in i ? i.image : { url: i.imageUrl, aeskey: randomUUID().replace(/-/g, "") } },
    );
    const body: Record<string, unknown> = {
      msgid: o.msgid ?? randomUUID().replace(/-/g, ""),
      aibotid: conn.botId,
      chattype: group ? "group" : "single",
      ...(group ? { chatid: o.chatId } : {}),
      from: { userid: o.userId },
      create_time: Math.floor(Date.now() / 1000),
      msgtype: "mixed",
      mixed: { msg_item },
    };
    const frame: Frame = { cmd: "aibot_msg_callback", headers: { req_id: randomUUID() }, body };
    this.push(conn, frame, "msg");
    return frame;
  }

  /**
   * A picture as the 智能机器人 hands it over: `image.url` "图片的下载 url（五分钟内有效，已加密）" and
   * `image.aeskey` "解密密钥，长连接模式下返回，每个下载链接的 aeskey 唯一" (@wecom/aibot-node-sdk 1.0.7
   * dist/index.d.ts ImageContent; developer.work.weixin.qq.com/document/path/100719 接收消息). The
   * file is encrypted as the SDK's decryptFile expects it (its doc comment: "AES-256-CBC 解密 …
   * IV 取 aesKey 解码后的前 16 字节 … PKCS#7 填充至 32 字节的倍数"), the key 32 random bytes in
   * base64. After `lifeMs` the url answers 403, as an expired signed COS link does.
   */
  servePicture(bytes: Buffer, lifeMs = 5 * 60_000): { url: string; aeskey: string } {
    const key = randomBytes(32);
    const pad = 32 - (bytes.length % 32);
    const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
    const encrypted = Buffer.concat([cipher.update(Buffer.concat([bytes, Buffer.alloc(pad, pad)])), cipher.final()]);
    const id = randomUUID().replace(/-/g, "");
    this.pictures.set(id, { bytes: encrypted, until: this.clock() + lifeMs });
    return { url: `${this.apiBase}/aibot-img/${id}?sign=${randomUUID().slice(0, 8)}`, aeskey: key.toString("base64").replace(/=+$/, "") };
  }
  private readonly pictures = new Map<string, { bytes: Buffer; until: number }>();
  /** Picture downloads the bot made (id → count). */
  readonly pictureDownloads = new Map<string, number>();

  /**
   * A picture alone in a 1:1 chat (msgtype "image", WeCom delivers it only there: document/path/100719),
   * optionally quoting an earlier message (BaseMessage.quote: QuoteContent {msgtype, text}).
   */
  async userSendsImage(o: { userId: string; image: { url: string; aeskey: string }; msgid?: string; quoteText?: string }): Promise<Frame> {
    const conn = this.live() ?? (await this.waitForLive());
    const body: Record<string, unknown> = {
      msgid: o.msgid ?? randomUUID().replace(/-/g, ""),
      aibotid: conn.botId,
      chattype: "single",
      from: { userid: o.userId },
      create_time: Math.floor(Date.now() / 1000),
      msgtype: "image",
      image: o.image,
      ...(o.quoteText ? { quote: { msgtype: "text", text: { content: o.quoteText } } } : {}),
    };
    const frame: Frame = { cmd: "aibot_msg_callback", headers: { req_id: randomUUID() }, body };
    this.push(conn, frame, "msg");
    return frame;
  }

  /** The same frame again (WeCom may repeat a callback). */
  async redeliver(frame: Frame): Promise<void> {
    this.push(await this.waitForLive(), frame, frame.cmd === "aibot_event_callback" ? "event" : "msg");
  }

  /** A user opens the 1:1 chat with the bot (the welcome must come within 5 s). */
  async enterChat(userId: string): Promise<Frame> {
    const conn = await this.waitForLive();
    const frame: Frame = {
      cmd: "aibot_event_callback",
      headers: { req_id: randomUUID() },
      body: {
        msgid: randomUUID(),
        create_time: Math.floor(Date.now() / 1000),
        aibotid: conn.botId,
        chattype: "single",
        from: { userid: userId },
        msgtype: "event",
        event: { eventtype: "enter_chat" },
      },
    };
    this.push(conn, frame, "event");
    return frame;
  }

  async clickButton(o: { taskId: string; key: string; userId: string; chatId?: string }): Promise<Frame> {
    return this.cardEvent(o, { card_type: "button_interaction", event_key: o.key, task_id: o.taskId });
  }

  async submitVote(o: { taskId: string; optionId: string; userId: string; chatId?: string }): Promise<Frame> {
    return this.cardEvent(o, {
      card_type: "vote_interaction",
      event_key: "submit",
      task_id: o.taskId,
      selected_items: { selected_item: [{ question_key: "choice", option_ids: { option_id: [o.optionId] } }] },
    });
  }

  private async cardEvent(o: { userId: string; chatId?: string }, details: Record<string, unknown>): Promise<Frame> {
    const conn = await this.waitForLive();
    const frame: Frame = {
      cmd: "aibot_event_callback",
      headers: { req_id: randomUUID() },
      body: {
        msgid: randomUUID().replace(/-/g, ""),
        create_time: Math.floor(Date.now() / 1000),
        aibotid: conn.botId,
        chattype: o.chatId ? "group" : "single",
        ...(o.chatId ? { chatid: o.chatId } : {}),
        from: { userid: o.userId },
        msgtype: "event",
        event: { eventtype: "template_card_event", template_card_event: details },
      },
    };
    this.push(conn, frame, "event");
    return frame;
  }

  /** Raw data to every live connection (malformed-frame tests). */
  sendRaw(data: string | Buffer): void {
    for (const c of this.conns) if (c.authed && c.ws.readyState === c.ws.OPEN) c.ws.send(data);
  }

  /** Drops every connection without a close handshake (a network failure). */
  dropAll(): void {
    for (const c of this.conns) c.ws.terminate();
  }

  repliesTo(reqId: string): Received[] {
    return this.received.filter((r) => r.reqId === reqId);
  }

  async waitForReceived(pred: (r: Received) => boolean, timeoutMs = 10_000, what = "a frame from the bot"): Promise<Received> {
    return waitFor(() => this.received.find(pred), timeoutMs, what);
  }

  private push(conn: Conn, frame: Frame, kind: "msg" | "event"): void {
    this.issued.set(frame.headers.req_id, { kind, at: Date.now() });
    conn.ws.send(JSON.stringify(frame));
  }

  private onConnection(ws: WebSocket): void {
    const conn: Conn = { ws, authed: false, frames: [] };
    this.conns.push(conn);
    ws.on("message", (data) => {
      let frame: Frame;
      try {
        frame = JSON.parse(String(data)) as Frame;
      } catch {
        return;
      }
      conn.frames.push(frame);
      this.onFrame(conn, frame);
    });
  }

  /** Uploaded temporary media by media_id, and uploads in progress by upload_id. */
  readonly media = new Map<string, { type: string; bytes: Buffer; filename: string; createdAt: number }>();

  /** A media_id this corp uploaded, of this type, not older than 3 days (else WeCom's 40007 invalid media_id). */
  private mediaOk(mediaId: unknown, type: string): boolean {
    const m = typeof mediaId === "string" ? this.media.get(mediaId) : undefined;
    return m !== undefined && m.type === type && this.clock() - m.createdAt <= MEDIA_LIFE_MS;
  }

  /** Stores uploaded bytes; gives the answer WeCom gives (40006 too small, 45001 too large for the type). */
  private store(type: string, bytes: Buffer, filename: string): { errcode: number; errmsg: string } | { media_id: string } {
    if (bytes.length <= 5) return { errcode: 40006, errmsg: "invalid file size" };
    if (bytes.length > (MEDIA_LIMITS[type] ?? 0)) return { errcode: 45001, errmsg: "media size out of limit" };
    const mediaId = `media-${randomUUID()}`;
    this.media.set(mediaId, { type, bytes, filename, createdAt: this.clock() });
    return { media_id: mediaId };
  }
  private readonly uploads = new Map<string, { type: string; filename: string; size: number; chunks: number; md5: string; parts: Map<number, Buffer> }>();

  /**
   * 上传临时素材 over the long connection (document/path/101463): aibot_upload_media_init {type,
   * filename, total_size, total_chunks, md5} → {upload_id}; aibot_upload_media_chunk {upload_id,
   * chunk_index, base64_data} (chunks ≤ 512 KB before base64, at most 100); aibot_upload_media_finish
   * {upload_id} → {type, media_id, created_at}. Limits of temporary media (document/path/96484):
   * image ≤ 10 MB and > 5 bytes. The whole file's md5 must match init's.
   */
  private upload(cmd: string, body: Record<string, unknown>): Record<string, unknown> | { errcode: number; errmsg: string } {
    const fail = (errmsg: string, errcode = 40058) => ({ errcode, errmsg });
    if (cmd === "aibot_upload_media_init") {
      if (this.refuseUploads) return this.refuseUploads;
      const { type, filename, total_size: size, total_chunks: chunks, md5 } = body as Record<string, unknown>;
      if (!["image", "voice", "video", "file"].includes(String(type))) return fail("invalid media type", 40004);
      if (typeof filename !== "string" || !filename || typeof md5 !== "string" || !/^[0-9a-f]{32}$/.test(md5)) return fail("filename and md5 required");
      if (typeof size !== "number" || size <= 5) return fail("invalid file size", 40006);
      if (size > (MEDIA_LIMITS[String(type)] ?? 0)) return fail("media size out of limit", 45001);
      if (typeof chunks !== "number" || chunks < 1 || chunks > 100 || chunks !== Math.ceil(size / (512 * 1024))) return fail("invalid total_chunks");
      const id = randomUUID();
      this.uploads.set(id, { type: String(type), filename, size, chunks, md5, parts: new Map() });
      return { upload_id: id };
    }
    const up = this.uploads.get(String(body.upload_id));
    if (!up) return fail("invalid upload_id");
    if (cmd === "aibot_upload_media_chunk") {
      const i = body.chunk_index;
      if (typeof i !== "number" || i < 0 || i >= up.chunks || typeof body.base64_data !== "string") return fail("invalid chunk");
      const part = Buffer.from(body.base64_data, "base64");
      if (part.length === 0 || part.length > 512 * 1024) return fail("invalid chunk size");
      up.parts.set(i, part);
      return {};
    }
    if (up.parts.size !== up.chunks) return fail("chunks missing");
    const bytes = Buffer.concat([...up.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b));
    if (bytes.length !== up.size || createHash("md5").update(bytes).digest("hex") !== up.md5) return fail("md5 mismatch");
    this.uploads.delete(String(body.upload_id));
    const stored = this.store(up.type, bytes, up.filename);
    if ("errcode" in stored) return stored;
    return { type: up.type, media_id: stored.media_id, created_at: String(Math.floor(this.clock() / 1000)) };
  }

  private ack(conn: Conn, reqId: string, errcode = 0, errmsg = "ok"): void {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify({ headers: { req_id: reqId }, errcode, errmsg }));
  }

  private onFrame(conn: Conn, frame: Frame): void {
    const reqId = frame.headers?.req_id ?? "";
    const body = frame.body ?? {};
    switch (frame.cmd) {
      case "aibot_subscribe": {
        const botId = String(body.bot_id ?? "");
        if (this.bots[botId] === undefined || this.bots[botId] !== body.secret) return this.ack(conn, reqId, 40058, "invalid bot_id or secret");
        // A newer connection of the same bot replaces the older one, which is told so and closed.
        for (const old of this.conns) {
          if (old !== conn && old.authed && old.botId === botId && old.ws.readyState === old.ws.OPEN) {
            old.ws.send(
              JSON.stringify({
                cmd: "aibot_event_callback",
                headers: { req_id: randomUUID() },
                body: { msgid: randomUUID(), msgtype: "event", from: { userid: "" }, event: { eventtype: "disconnected_event" } },
              }),
            );
            old.authed = false;
            setTimeout(() => old.ws.close(), 50);
          }
        }
        conn.botId = botId;
        conn.authed = true;
        return this.ack(conn, reqId);
      }
      case "ping":
        if (!this.silent) this.ack(conn, reqId);
        return;
      default:
        break;
    }
    if (!conn.authed) return this.ack(conn, reqId, 40058, "not authenticated");
    const issued = this.issued.get(reqId);
    const record = () => {
      const r = { cmd: frame.cmd ?? "", reqId, body, at: Date.now() };
      this.received.push(r);
      this.onReceived?.(r);
    };
    switch (frame.cmd) {
      case "aibot_respond_msg": {
        if (issued?.kind !== "msg") return this.ack(conn, reqId, 846605, "invalid req_id");
        // A media reply on the message's req_id ({msgtype, [msgtype]: {media_id}}: SDK 1.0.7
        // client.replyMedia, "通过 aibot_respond_msg 被动回复通道发送媒体消息"). Not a proactive send: no quota.
        if (body.msgtype === "file" || body.msgtype === "image") {
          if (!this.mediaOk((body[body.msgtype] as { media_id?: unknown } | undefined)?.media_id, body.msgtype)) return this.ack(conn, reqId, 40007, "invalid media_id");
        }
        const stream = body.stream as { content?: string } | undefined;
        if (stream?.content && Buffer.byteLength(stream.content) > 20480) return this.ack(conn, reqId, 40058, "content too long");
        record();
        return this.ack(conn, reqId);
      }
      case "aibot_respond_update_msg":
        if (issued?.kind !== "event") return this.ack(conn, reqId, 846605, "invalid req_id");
        if (Date.now() - issued.at > UPDATE_WINDOW_MS) return this.ack(conn, reqId, 846607, "update window expired");
        record();
        return this.ack(conn, reqId);
      case "aibot_respond_welcome_msg":
        record();
        return this.ack(conn, reqId);
      case "aibot_send_msg": {
        if (typeof body.chatid !== "string" || !body.chatid) return this.ack(conn, reqId, 40058, "chatid required");
        // 文件消息 {msgtype: "file", file: {media_id}} and 图片消息 {msgtype: "image", image: {media_id}}
        // (主动推送消息, document/path/101463): a media_id this corp uploaded, of that type, within 3 days.
        if (body.msgtype === "image" || body.msgtype === "file") {
          if (!this.mediaOk((body[body.msgtype] as { media_id?: unknown } | undefined)?.media_id, body.msgtype)) return this.ack(conn, reqId, 40007, "invalid media_id");
        }
        const dayKey = `${beijingDay(this.clock())}:${body.chatid}`;
        const sent = this.sentPerDay.get(dayKey) ?? 0;
        const refused = sent >= (this.opts.proactivePerDay ?? QUOTA.perDay);
        this.sendAttempts.push({ chatid: body.chatid, msgtype: String(body.msgtype), errcode: refused ? QUOTA.errcode : 0, at: this.clock() });
        if (refused) return this.ack(conn, reqId, QUOTA.errcode, QUOTA.errmsg);
        this.sentPerDay.set(dayKey, sent + 1);
        record();
        return this.ack(conn, reqId);
      }
      case "aibot_upload_media_init":
      case "aibot_upload_media_chunk":
      case "aibot_upload_media_finish": {
        const answer = this.upload(frame.cmd, body);
        if (typeof answer.errcode === "number") return this.ack(conn, reqId, answer.errcode, String(answer.errmsg));
        record();
        if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify({ headers: { req_id: reqId }, errcode: 0, errmsg: "ok", body: answer }));
        return;
      }
      default:
        return this.ack(conn, reqId, 40058, "unknown cmd");
    }
  }

  private async onHttp(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.apiBase);
    if (url.pathname === "/cgi-bin/media/upload") return sendJson(res, await this.mediaUpload(url, req));
    if (url.pathname.startsWith("/aibot-img/") && req.method === "GET") {
      const id = url.pathname.slice("/aibot-img/".length);
      const picture = this.pictures.get(id);
      this.pictureDownloads.set(id, (this.pictureDownloads.get(id) ?? 0) + 1);
      if (!picture || picture.until < this.clock()) {
        res.writeHead(403, { "content-type": "application/xml" });
        return void res.end("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>");
      }
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(picture.bytes.length) });
      return void res.end(picture.bytes);
    }
    const raw = req.method === "POST" ? await readBody(req) : "";
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return sendJson(res, { errcode: 40016, errmsg: "invalid json" });
    }
    if (url.pathname === "/cgi-bin/webhook/send") {
      const key = url.searchParams.get("key") ?? "";
      const limit = this.webhookLimits.get(key) ?? new WindowCounter(this.opts.webhookLimit ?? 20, this.opts.webhookWindowMs ?? 60_000);
      this.webhookLimits.set(key, limit);
      let errcode = 0;
      if (this.forceWebhookThrottle > 0) {
        this.forceWebhookThrottle--;
        errcode = 45009;
      } else if (!limit.allow()) errcode = 45009;
      const content = (body.markdown as { content?: string } | undefined)?.content ?? "";
      if (!errcode && Buffer.byteLength(content) > 4096) errcode = 40058;
      this.webhookCalls.push({ key, body, at: Date.now(), errcode });
      return sendJson(res, { errcode, errmsg: errcode ? "api freq out of limit" : "ok" });
    }
    if (url.pathname === "/cgi-bin/gettoken") {
      this.tokenCalls++;
      if (url.searchParams.get("corpid") !== this.opts.corpId || url.searchParams.get("corpsecret") !== this.opts.corpSecret) return sendJson(res, { errcode: 40001, errmsg: "invalid credential" });
      return sendJson(res, { errcode: 0, access_token: `tok-${this.tokenCalls}`, expires_in: 7200 });
    }
    if (url.pathname === "/cgi-bin/message/send" || url.pathname === "/cgi-bin/appchat/send") {
      if (!url.searchParams.get("access_token")?.startsWith("tok-")) return sendJson(res, { errcode: 40014, errmsg: "invalid access_token" });
      if (!this.trustedIp) {
        return sendJson(res, {
          errcode: 60020,
          errmsg: `not allow to access from your ip, hint: [${Date.now()}${randomUUID().slice(0, 8)}], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=60020`,
        });
      }
      // 文件消息 (message/send document/path/90236, appchat/send document/path/90248): {msgtype: "file", file: {media_id}}.
      if (body.msgtype === "file" && !this.mediaOk((body.file as { media_id?: unknown } | undefined)?.media_id, "file")) return sendJson(res, { errcode: 40007, errmsg: "invalid media_id" });
      const touser = typeof body.touser === "string" ? body.touser.split("|") : [];
      const invalid = this.visibleUsers ? touser.filter((u) => !this.visibleUsers!.has(u)) : [];
      if (url.pathname === "/cgi-bin/message/send" && invalid.length === touser.length && invalid.length > 0) {
        return sendJson(res, { errcode: 0, errmsg: "ok", invaliduser: invalid.join("|"), invalidparty: "", invalidtag: "", unlicenseduser: "", msgid: randomUUID() });
      }
      this.appCalls.push({ path: url.pathname, body });
      return sendJson(res, {
        errcode: 0,
        errmsg: "ok",
        ...(url.pathname === "/cgi-bin/message/send" ? { invaliduser: invalid.join("|"), invalidparty: "", invalidtag: "", unlicenseduser: "", msgid: randomUUID() } : {}),
      });
    }
    sendJson(res, { errcode: 404, errmsg: "not found" }, 404);
  }

  /**
   * 上传临时素材 (https://developer.work.weixin.qq.com/document/path/90253): POST
   * media/upload?access_token=…&type=TYPE, multipart/form-data with the file under the name "media"
   * (its filename is what people see). Answers {errcode: 0, errmsg: "", type, media_id, created_at};
   * refusals as 全局错误码 (document/path/90313): 40004 bad type, 41001 no token, 40014 bad token,
   * 44001 empty media (no "media" part), 40006 ≤ 5 bytes, 45001 over the type's limit.
   */
  readonly mediaUploads: { type: string; filename: string; bytes: number; errcode: number }[] = [];

  private async mediaUpload(url: URL, req: import("node:http").IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const type = url.searchParams.get("type") ?? "";
    const answer = await this.mediaAnswer(url, type, Buffer.concat(chunks), String(req.headers["content-type"] ?? ""));
    this.mediaUploads.push({ type, filename: String(answer.filename ?? ""), bytes: Number(answer.bytes ?? 0), errcode: Number(answer.errcode) });
    const { filename: _f, bytes: _b, ...rest } = answer;
    return rest;
  }

  private async mediaAnswer(url: URL, type: string, raw: Buffer, contentType: string): Promise<Record<string, unknown>> {
    const token = url.searchParams.get("access_token");
    if (!token) return { errcode: 41001, errmsg: "access_token missing" };
    if (!token.startsWith("tok-")) return { errcode: 40014, errmsg: "invalid access_token" };
    if (!(type in MEDIA_LIMITS)) return { errcode: 40004, errmsg: "invalid media type" };
    if (this.refuseUploads) return { ...this.refuseUploads };
    if (!contentType.startsWith("multipart/form-data")) return { errcode: 44001, errmsg: "empty media data" };
    let form: FormData;
    try {
      form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
    } catch {
      return { errcode: 44001, errmsg: "empty media data" };
    }
    const media = form.get("media");
    if (!media || typeof media === "string") return { errcode: 44001, errmsg: "empty media data" };
    const bytes = Buffer.from(await media.arrayBuffer());
    const stored = this.store(type, bytes, media.name);
    if ("errcode" in stored) return { ...stored, filename: media.name, bytes: bytes.length };
    return { errcode: 0, errmsg: "", type, media_id: stored.media_id, created_at: String(Math.floor(this.clock() / 1000)), filename: media.name, bytes: bytes.length };
  }
}

/** The text a received reply or push carries (a stream reply's content, or a markdown message's). */
export const textOf = (r: Received) => String((r.body.stream as { content?: string } | undefined)?.content ?? (r.body.markdown as { content?: string } | undefined)?.content ?? "");

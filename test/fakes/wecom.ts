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
 */
import { createHash, randomUUID } from "node:crypto";
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

  constructor(
    readonly bots: Record<string, string>,
    readonly opts: { webhookLimit?: number; webhookWindowMs?: number; corpId?: string; corpSecret?: string } = {},
  ) {}

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
  readonly media = new Map<string, { type: string; bytes: Buffer; filename: string }>();
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
      const { type, filename, total_size: size, total_chunks: chunks, md5 } = body as Record<string, unknown>;
      if (!["image", "voice", "video", "file"].includes(String(type))) return fail("invalid media type", 40004);
      if (typeof filename !== "string" || !filename || typeof md5 !== "string" || !/^[0-9a-f]{32}$/.test(md5)) return fail("filename and md5 required");
      if (typeof size !== "number" || size <= 5 || (type === "image" && size > 10 * 1024 * 1024)) return fail("invalid media size", 40005);
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
    const mediaId = `media-${randomUUID()}`;
    this.media.set(mediaId, { type: up.type, bytes, filename: up.filename });
    return { type: up.type, media_id: mediaId, created_at: String(Math.floor(Date.now() / 1000)) };
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
        // 图片消息 {msgtype: "image", image: {media_id}} (document/path/101463): a media_id this bot uploaded, of type image.
        if (body.msgtype === "image") {
          const mediaId = (body.image as { media_id?: unknown } | undefined)?.media_id;
          if (typeof mediaId !== "string" || this.media.get(mediaId)?.type !== "image") return this.ack(conn, reqId, 40007, "invalid media_id");
        }
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
}

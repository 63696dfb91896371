/**
 * A local DingTalk for tests, written from the official protocol, not from our adapter:
 * - Stream: open-dingtalk/developerpedia docs/learn/stream/protocol.md — gateway POST
 *   /v1.0/gateway/connections/open → endpoint + ticket (single use, 90 s); WebSocket frames
 *   {specVersion, type: SYSTEM|EVENT|CALLBACK, headers{topic, messageId, contentType, time}, data};
 *   acks {code, headers{messageId, contentType}, message, data}; SYSTEM "disconnect" notice, then
 *   "服务端在静默10s之后会主动断开 tcp 连接"; robot messages reach the bot "在群里需要 AT 机器人的消息才能被接收";
 *   FAQ "机器人消息当前是fire-forgot模式，不会因为网络超时而重复推送" (this fake never pushes one twice).
 * - Robot messages (data of /v1.0/im/bot/messages/get): protocol.md example + dingtalk-stream
 *   src/constants.ts RobotMessageBase.
 * - OpenAPI throttling: https://open.dingtalk.com/document/development/how-to-process-api-throttling-on-the-dingtalk-server
 *   (new API error codes Forbidden.AccessDenied.QpsLimitForAppkeyAndApi / QpsLimitForApi; the
 *   new API's error body is {code, requestid, message}). The limit itself: 20 calls a second per
 *   app and API on DingTalk's standard edition (40 professional, 60 dedicated), as DingTalk's
 *   developer group answered it (developer.aliyun.com/ask/615474, 2024-04-19; the throttling doc
 *   gives no number). This fake holds every app to the standard edition's 20 in any second, per
 *   API, and refuses the rest with 403 QpsLimitForAppkeyAndApi (opts.apiQps to change it).
 * - Robot interactive cards (StandardCard): open-dingtalk/dingtalk-stream-sdk-python
 *   dingtalk_stream/chatbot.py reply_card / update_card (doc links there:
 *   https://open.dingtalk.com/document/orgapp/robots-send-interactive-cards and
 *   .../update-the-robot-to-send-interactive-cards); the click callback's fields from
 *   dingtalk_stream/card_callback.py (topic /v1.0/card/instances/callback).
 * - Session webhooks with expiry, custom robot webhooks with signing and 20/min (errcode 130101).
 * - Media upload (oapi /media/upload): see dingtalk-media.ts. File messages: msgKey sampleFile,
 *   msgParam {mediaId, fileName, fileType} (types of messages sent by robots,
 *   https://open.dingtalk.com/document/orgapp/types-of-messages-sent-by-robots; English mirror
 *   help.dingtalk.io/open/development/robot-message-type: "File ✅ via API, ❌ via Webhook"), the
 *   mediaId one this app uploaded, fileType one of xlsx, pdf, zip, rar, doc, docx (the list as Huawei
 *   ROMA's DingTalk connector quotes that doc: support.huaweicloud.com/usermanual-roma3/roma_03_5074.html).
 * - Pictures people send (servePicture, userSendsPicture): msgtype "picture" with content.downloadCode
 *   and pictureDownloadCode, and richText picture items (open.dingtalk.com/document/orgapp/receive-message);
 *   the code is exchanged by POST /v1.0/robot/messageFiles/download {downloadCode, robotCode} with
 *   x-acs-dingtalk-access-token for {downloadUrl} (下载机器人接收消息的文件内容,
 *   open.dingtalk.com/document/orgapp/download-the-file-content-of-the-robot-receiving-message,
 *   mirror help.dingtalk.io/zh/open/development/download-the-file-content-of-the-robot-receiving-message:
 *   "临时下载码"; the code works only with the robotCode of the robot that received it). The doc
 *   names no error body for an expired or foreign code: this fake ASSUMES HTTP 400 with the new
 *   API's {code, requestid, message}, and the download link answers 403 once expired.
 * - Card callback registration (HTTP mode): POST /v1.0/card/callbacks/register {callbackRouteKey,
 *   callbackUrl, apiSecret, forceUpdate} → {success, result{callbackUrl, apiSecret}} (official SDK
 *   alibabacloud dingtalk card_1_0 RegisterCallbackRequest / RegisterCallbackResponseBody; the
 *   card-callback guide "HTTP回调模式 → 注册回调地址"); a click on a card sent with that route key is
 *   POSTed as JSON to the registered URL. The guide documents no signature on that request, so
 *   the fake sends none: only the URL itself identifies the app.
 */
import { createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { acceptUpload, MEDIA_MAX_BYTES, type Upload, type UploadAnswer } from "./dingtalk-media.ts";
import { readBody, sendJson, waitFor, WindowCounter } from "./http-util.ts";

interface Conn {
  ws: WebSocket;
  acks: { messageId: string; code: number; data: string }[];
  openedAt: number;
  /** Who ended the connection: the bot (a close frame) or the server (after a disconnect notice, or stop). */
  closedBy?: "client" | "server";
  /** Sent a disconnect notice: new messages go to other connections (protocol.md: 优雅断开，避免直接断连接影响业务连续性). */
  draining: boolean;
}

/** A StandardCard the robot sent (cardData parsed), as later updated. */
export interface Card {
  cardBizId: string;
  target: string;
  group: boolean;
  callbackRouteKey?: string;
  data: { contents?: { type: string; text?: string; actions?: { id: string; label?: { text?: string } }[] }[] };
  updates: number;
}

export interface Sent {
  via: "session" | "group" | "user" | "webhook" | "card" | "cardUpdate";
  body: Record<string, unknown>;
  at: number;
  target?: string;
  errcode?: number;
}

export class FakeDingtalk {
  private http!: Server;
  private wss!: WebSocketServer;
  readonly conns: Conn[] = [];
  readonly sent: Sent[] = [];
  private readonly tickets = new Set<string>();
  private readonly sessions = new Map<string, number>();
  private readonly webhookLimits = new Map<string, WindowCounter>();
  private readonly apiLimits = new Map<string, WindowCounter>();
  /** OpenAPI calls refused for going over the per-second limit (not counting throttleNext). */
  qpsRefusals = 0;
  tokenCalls = 0;
  /** Called for every message the bot sent (the benchmark waits on it). */
  onSent: ((s: Sent) => void) | undefined;
  /** When set, WebSocket pings get no pong (a silent, dead socket). */
  silent = false;
  gatewayCalls = 0;
  /** Handshakes to refuse from now on (the ticket is burnt, the upgrade answered 503). */
  refuseHandshakes = 0;
  refusedHandshakes = 0;
  /**
   * A bad hour's rhythm: when set, every Nth gateway call (connections/open) is answered 503 and
   * every Nth WebSocket upgrade with a valid ticket is refused, counted from when they were set.
   */
  refuseGatewayEvery = 0;
  refuseUpgradeEvery = 0;
  refusedGatewayCalls = 0;
  private gatewayCounted = 0;
  private upgradesCounted = 0;
  /** Most connections open at once, ever, and the count after every open and close. */
  maxOpen = 0;
  readonly openHistory: { at: number; open: number }[] = [];
  /** OpenAPI calls to answer with 403 QpsLimitForAppkeyAndApi from now on. */
  throttleNext = 0;
  readonly cards = new Map<string, Card>();
  /** Accepted media uploads by media id (bytes kept for tests to read back), and every upload tried. */
  readonly uploads = new Map<string, Upload>();
  uploadAttempts = 0;
  /** When set, every upload is answered with this (an errcode refusal, HTTP 200 as oapi does). */
  refuseUploads: UploadAnswer | undefined;
  /** Card callback routes registered (HTTP mode): route key → URL and apiSecret. */
  readonly cardCallbacks = new Map<string, { callbackUrl: string; apiSecret?: string }>();
  cardRegisterCalls = 0;
  /** When true, card callback registration is refused (403, as for an app without the permission). */
  refuseCardRegistration = false;
  /** Group messages without an @ of the robot: posted in the chat, never delivered to the bot. */
  readonly unaddressed: string[] = [];
  private autoTimer: NodeJS.Timeout | undefined;
  private readonly pictures = new Map<string, { bytes: Buffer; until: number }>();
  /** messageFiles/download calls (accepted or refused) and downloads of picture links. */
  readonly downloadCodeCalls: { downloadCode: string; robotCode: string; status: number }[] = [];
  pictureDownloads = 0;
  private readonly closeTimers = new Set<NodeJS.Timeout>();

  constructor(
    readonly app: { clientId: string; clientSecret: string },
    readonly opts: { webhookSecret?: string; webhookLimit?: number; webhookWindowMs?: number; tokenLifeS?: number; closeAfterNoticeMs?: number; mediaMaxBytes?: number; apiQps?: number } = {},
  ) {}

  /** The bot's settings that point it at this fake (Stream gateway, OpenAPI and oapi on loopback). */
  botEnv(): Record<string, string> {
    return {
      DINGTALK_CLIENT_ID: this.app.clientId,
      DINGTALK_CLIENT_SECRET: this.app.clientSecret,
      DINGTALK_API_BASE: this.base,
      DINGTALK_GATEWAY_URL: this.gatewayUrl,
      DINGTALK_OAPI_BASE: this.base,
    };
  }

  get base() {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }
  get gatewayUrl() {
    return `${this.base}/v1.0/gateway/connections/open`;
  }
  webhookUrl(token: string) {
    return `${this.base}/robot/send?access_token=${token}`;
  }

  async start(): Promise<this> {
    this.http = createServer((req, res) => void this.onHttp(req, res).catch(() => sendJson(res, { errcode: -1 }, 500)));
    this.wss = new WebSocketServer({ noServer: true, autoPong: false });
    this.http.on("upgrade", (req, socket, head) => {
      const url = new URL(req.url ?? "/", this.base);
      const ticket = url.searchParams.get("ticket") ?? "";
      if (url.pathname !== "/connect" || !this.tickets.delete(ticket)) {
        socket.destroy();
        return;
      }
      const everyNth = this.refuseUpgradeEvery > 0 && ++this.upgradesCounted % this.refuseUpgradeEvery === 0;
      if (this.refuseHandshakes > 0 || everyNth) {
        if (!everyNth) this.refuseHandshakes--;
        this.refusedHandshakes++;
        socket.end("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
    });
    await new Promise<void>((r) => this.http.listen(0, "127.0.0.1", r));
    return this;
  }

  async stop(): Promise<void> {
    this.stopDisconnecting();
    for (const t of this.closeTimers) clearTimeout(t);
    for (const c of this.conns) c.ws.terminate();
    this.wss.close();
    await new Promise<void>((r) => this.http.close(() => r()));
  }

  open(): Conn[] {
    return this.conns.filter((c) => c.ws.readyState === c.ws.OPEN);
  }

  async waitForOpen(count = 1): Promise<Conn[]> {
    return waitFor(() => (this.open().length >= count ? this.open() : undefined), 10_000, `${count} dingtalk stream connection(s)`);
  }

  /**
   * A robot message as DingTalk pushes it (to one connection, like DingTalk with several). In a
   * group only a message that @-mentions the robot reaches it (protocol.md): see tapSendMessageLink.
   */
  async userSays(o: {
    text: string;
    userId: string;
    nick?: string;
    conversationId: string;
    group?: boolean;
    msgId?: string;
    sessionLifeMs?: number;
    to?: Conn;
    session?: string;
    /** Staff ids of other members the message @-mentions. */
    atStaffIds?: string[];
    /**
     * Send as msgtype "richText" with these pictures after the text (a command typed with a
     * picture): content.richText[] of { text } and { type: "picture", downloadCode,
     * pictureDownloadCode } (open.dingtalk.com/document/orgapp/receive-message, 富文本).
     */
    pictureCodes?: string[];
  }): Promise<{ msgId: string; session: string; streamMessageId: string }> {
    const group = o.group !== false;
    // DingTalk pushes on a live connection: a requested one that has closed meanwhile is replaced by a live one.
    const requested = o.to && o.to.ws.readyState === o.to.ws.OPEN ? o.to : undefined;
    const conn = requested ?? this.open().find((c) => !c.draining) ?? (await waitFor(() => this.open().find((c) => !c.draining), 10_000, "a live dingtalk connection"));
    const session = o.session ?? randomUUID();
    this.sessions.set(session, Date.now() + (o.sessionLifeMs ?? 90 * 60_000));
    const msgId = o.msgId ?? `msg${randomUUID().replace(/-/g, "")}`;
    const data = {
      conversationId: o.conversationId,
      conversationType: group ? "2" : "1",
      msgId,
      senderNick: o.nick ?? "张老师",
      senderStaffId: o.userId,
      senderId: `$:LWCP_v1:$${o.userId}`,
      chatbotUserId: "robot",
      robotCode: this.app.clientId,
      isInAtList: true,
      // Everyone @-mentioned, the robot included (dingtalk_stream/chatbot.py AtUser: dingtalkId,
      // and staffId for members of the organisation; the robot has only its dingtalkId). The
      // text keeps the other members' @names where they were typed.
      atUsers: [...(group ? [{ dingtalkId: "robot" }] : []), ...(o.atStaffIds ?? []).map((id) => ({ dingtalkId: `$:LWCP_v1:$${id}`, staffId: id }))],
      sessionWebhook: `${this.base}/robot/sendBySession?session=${session}`,
      sessionWebhookExpiredTime: this.sessions.get(session),
      createAt: Date.now(),
      ...(o.pictureCodes
        ? {
            msgtype: "richText",
            content: { richText: [{ text: group ? ` ${o.text}` : o.text }, ...o.pictureCodes.map((code) => ({ type: "picture", downloadCode: code, pictureDownloadCode: code }))] },
          }
        : { msgtype: "text", text: { content: group ? ` ${o.text}` : o.text } }),
    };
    const streamMessageId = this.push(conn, "/v1.0/im/bot/messages/get", data);
    return { msgId, session, streamMessageId };
  }

  /** A picture the user sends: its temporary downloadCode (valid `lifeMs`) for a message. */
  servePicture(bytes: Buffer, lifeMs = 10 * 60_000): string {
    const code = `dc${randomUUID().replace(/-/g, "")}`;
    this.pictures.set(code, { bytes, until: Date.now() + lifeMs });
    return code;
  }

  /** A picture alone, 1:1 (msgtype "picture", content {downloadCode, pictureDownloadCode}: receive-message, 图片). */
  async userSendsPicture(o: { userId: string; conversationId: string; downloadCode: string; msgId?: string }): Promise<{ msgId: string; session: string; streamMessageId: string }> {
    const conn = this.open().find((c) => !c.draining) ?? (await waitFor(() => this.open().find((c) => !c.draining), 10_000, "a live dingtalk connection"));
    const session = randomUUID();
    this.sessions.set(session, Date.now() + 90 * 60_000);
    const msgId = o.msgId ?? `msg${randomUUID().replace(/-/g, "")}`;
    const data = {
      conversationId: o.conversationId,
      conversationType: "1",
      msgId,
      senderNick: "张老师",
      senderStaffId: o.userId,
      senderId: `$:LWCP_v1:$${o.userId}`,
      chatbotUserId: "robot",
      robotCode: this.app.clientId,
      sessionWebhook: `${this.base}/robot/sendBySession?session=${session}`,
      sessionWebhookExpiredTime: this.sessions.get(session),
      createAt: Date.now(),
      msgtype: "picture",
      content: { downloadCode: o.downloadCode, pictureDownloadCode: o.downloadCode },
    };
    return { msgId, session, streamMessageId: this.push(conn, "/v1.0/im/bot/messages/get", data) };
  }

  /** The same robot message pushed again on a live connection (as a redelivery would). */
  repush(data: Record<string, unknown>): string {
    const conn = this.open().find((c) => !c.draining);
    if (!conn) throw new Error("no live dingtalk connection");
    return this.push(conn, "/v1.0/im/bot/messages/get", data);
  }

  /**
   * A robot message at the moment a user sends it, with no waiting: DingTalk pushes it on a live
   * connection that was not told to go, and if there is none the message is lost for good
   * (fire-forget, protocol.md FAQ). Returns whether it was pushed.
   */
  userSaysNow(o: { text: string; userId: string; conversationId: string }): boolean {
    if (!this.open().some((c) => !c.draining)) return false;
    void this.userSays(o);
    return true;
  }

  /**
   * What a DingTalk client does with an ActionCard `dtmd://dingtalkclient/sendMessage?content=…`
   * link: it posts the content as the user's own plain message, without an @. In a group the
   * robot therefore never receives it; in a 1:1 chat it does.
   */
  async tapSendMessageLink(link: string, o: { userId: string; conversationId: string; group: boolean }): Promise<{ msgId: string; session: string; streamMessageId: string } | undefined> {
    const url = new URL(link);
    if (url.protocol !== "dtmd:") throw new Error(`not a dtmd link: ${link}`);
    const text = url.searchParams.get("content") ?? "";
    if (o.group) {
      this.unaddressed.push(text);
      return undefined;
    }
    return this.userSays({ text, userId: o.userId, conversationId: o.conversationId, group: false });
  }

  /**
   * The same robot message pushed again under a new stream message id. DingTalk itself never
   * does this for robot messages (fire-forget, protocol.md FAQ); tests use it to stand for one
   * message reaching the bot twice by other paths (two processes, a retried HTTP callback).
   */
  redeliver(conn: Conn, data: Record<string, unknown>): string {
    return this.push(conn, "/v1.0/im/bot/messages/get", data);
  }

  /**
   * A user presses a StandardCard button. Callback data as dingtalk_stream/card_callback.py
   * reads it: outTrackId (the card's cardBizId), corpId, type "actionCallback", userId, content
   * (a JSON string; a button press carries cardPrivateData.actionIds), extension (JSON string).
   */
  cardClick(conn: Conn, o: { userId: string; cardBizId: string; actionId: string }): string {
    const card = this.cards.get(o.cardBizId);
    if (!card) throw new Error(`no card ${o.cardBizId}`);
    return this.push(conn, "/v1.0/card/instances/callback", {
      outTrackId: o.cardBizId,
      userId: o.userId,
      corpId: "dingcorp",
      type: "actionCallback",
      extension: "{}",
      content: JSON.stringify({ cardPrivateData: { actionIds: [o.actionId], params: {} } }),
    });
  }

  /**
   * A user presses a StandardCard button of a card sent with a callbackRouteKey registered for
   * HTTP: DingTalk POSTs the same callback data as on the Stream topic to the registered URL.
   * Returns the HTTP status the bot answered with.
   */
  async cardClickHttp(o: { userId: string; cardBizId: string; actionId: string }): Promise<number> {
    const card = this.cards.get(o.cardBizId);
    if (!card?.callbackRouteKey) throw new Error(`no card ${o.cardBizId} with a callbackRouteKey`);
    const route = this.cardCallbacks.get(card.callbackRouteKey);
    if (!route) throw new Error(`route key ${card.callbackRouteKey} not registered`);
    const body = {
      outTrackId: o.cardBizId,
      userId: o.userId,
      corpId: "dingcorp",
      type: "actionCallback",
      extension: "{}",
      content: JSON.stringify({ cardPrivateData: { actionIds: [o.actionId], params: {} } }),
    };
    const res = await fetch(route.callbackUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    await res.arrayBuffer();
    return res.status;
  }

  /** The buttons of a card the robot sent: label → action id. */
  cardButtons(cardBizId: string): { label: string; id: string }[] {
    const card = this.cards.get(cardBizId);
    return (card?.data.contents ?? []).flatMap((c) => c.actions ?? []).map((a) => ({ label: a.label?.text ?? "", id: a.id }));
  }

  /** Every `disconnect` notice sent, then the socket closed closeAfterNoticeMs later (10 s by default, as documented). */
  startDisconnecting(everyMs: number): void {
    this.autoTimer = setInterval(() => {
      for (const c of this.open()) this.disconnect(c);
    }, everyMs);
  }

  stopDisconnecting(): void {
    if (this.autoTimer) clearInterval(this.autoTimer);
    this.autoTimer = undefined;
  }

  push(conn: Conn, topic: string, data: unknown): string {
    const messageId = randomUUID();
    conn.ws.send(
      JSON.stringify({
        specVersion: "1.0",
        type: "CALLBACK",
        headers: { appId: this.app.clientId, connectionId: "c", contentType: "application/json", messageId, time: String(Date.now()), topic },
        data: JSON.stringify(data),
      }),
    );
    return messageId;
  }

  system(conn: Conn, topic: string, data: unknown = {}): string {
    const messageId = randomUUID();
    conn.ws.send(JSON.stringify({ specVersion: "1.0", type: "SYSTEM", headers: { contentType: "application/json", messageId, time: String(Date.now()), topic }, data: JSON.stringify(data) }));
    return messageId;
  }

  /** The server's "disconnect" notice (protocol.md: data {reason}); the server closes the TCP connection 10 s later. */
  disconnect(conn: Conn, closeAfterMs = this.opts.closeAfterNoticeMs ?? 10_000): void {
    this.system(conn, "disconnect", { reason: "connection is expired" });
    conn.draining = true;
    const t = setTimeout(() => {
      this.closeTimers.delete(t);
      if (conn.ws.readyState !== conn.ws.OPEN) return;
      conn.closedBy = "server";
      conn.ws.terminate();
    }, closeAfterMs);
    this.closeTimers.add(t);
  }

  sendRaw(data: string | Buffer): void {
    for (const c of this.open()) c.ws.send(data);
  }

  acked(messageId: string): boolean {
    return this.conns.some((c) => c.acks.some((a) => a.messageId === messageId && a.code === 200));
  }

  private onConnection(ws: WebSocket): void {
    const conn: Conn = { ws, acks: [], openedAt: Date.now(), draining: false };
    this.conns.push(conn);
    this.maxOpen = Math.max(this.maxOpen, this.open().length);
    this.openHistory.push({ at: Date.now(), open: this.open().length });
    ws.on("close", () => {
      conn.closedBy ??= "client";
      this.openHistory.push({ at: Date.now(), open: this.open().length });
    });
    ws.on("ping", (data) => {
      if (!this.silent) ws.pong(data);
    });
    ws.on("message", (raw) => {
      try {
        const frame = JSON.parse(String(raw)) as { code: number; headers: { messageId: string }; data: string };
        conn.acks.push({ messageId: frame.headers.messageId, code: frame.code, data: frame.data });
      } catch {
        // ignore
      }
    });
  }

  /** 403 with the new OpenAPI's error body (see the throttling doc cited above): forced by throttleNext, or over the API's per-second limit. */
  private throttled(res: ServerResponse, api: string): boolean {
    const limit = this.apiLimits.get(api) ?? new WindowCounter(this.opts.apiQps ?? 20, 1000);
    this.apiLimits.set(api, limit);
    if (this.throttleNext > 0) this.throttleNext--;
    else if (limit.allow()) return false;
    else this.qpsRefusals++;
    sendJson(res, { code: "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", requestid: randomUUID(), message: "应用调用该接口的QPS超过限制" }, 403);
    return true;
  }

  /**
   * StandardCard send (POST, body: cardTemplateId "StandardCard", robotCode, cardData as a JSON
   * string, cardBizId, openConversationId for a group or singleChatReceiver '{"userId":…}' for
   * 1:1, optional callbackRouteKey / sendOptions) and update (PUT, body: cardBizId, cardData),
   * per chatbot.py reply_card / update_card. Strict: anything missing is a 400 param error.
   */
  private onCard(method: string, body: Record<string, unknown>, res: ServerResponse, push: (s: Omit<Sent, "at">) => void): void {
    const bad = (message: string) => sendJson(res, { code: "param.error", requestid: randomUUID(), message }, 400);
    let data: Card["data"];
    try {
      data = JSON.parse(String(body.cardData)) as Card["data"];
    } catch {
      return bad("cardData 不是合法的 JSON 字符串");
    }
    const cardBizId = typeof body.cardBizId === "string" ? body.cardBizId : "";
    if (!cardBizId) return bad("cardBizId 不能为空");
    if (method === "PUT") {
      const card = this.cards.get(cardBizId);
      if (!card) return bad("卡片不存在");
      card.data = data;
      card.updates++;
      push({ via: "cardUpdate", body, target: card.target });
      return sendJson(res, { success: true, result: true });
    }
    if (body.cardTemplateId !== "StandardCard") return bad("cardTemplateId 无效");
    if (body.robotCode !== this.app.clientId) return bad("robotCode 无效");
    const group = typeof body.openConversationId === "string";
    let target = group ? String(body.openConversationId) : "";
    if (!group) {
      try {
        target = String((JSON.parse(String(body.singleChatReceiver)) as { userId?: string }).userId ?? "");
      } catch {
        return bad("singleChatReceiver 无效");
      }
    }
    if (!target) return bad("需要 openConversationId 或 singleChatReceiver");
    this.cards.set(cardBizId, { cardBizId, target, group, data, updates: 0, ...(typeof body.callbackRouteKey === "string" ? { callbackRouteKey: body.callbackRouteKey } : {}) });
    push({ via: "card", body, target });
    return sendJson(res, { processQueryKey: randomUUID() });
  }

  private async onUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    this.uploadAttempts++;
    if (this.refuseUploads) return sendJson(res, this.refuseUploads);
    const tokenOk = (url.searchParams.get("access_token") ?? "").startsWith("dt-");
    return sendJson(res, acceptUpload(url, String(req.headers["content-type"] ?? ""), Buffer.concat(chunks), tokenOk, this.uploads, this.opts.mediaMaxBytes ?? MEDIA_MAX_BYTES));
  }

  /** sampleFile names a file this app uploaded (type file) and a fileType the message takes; else 400 as the new API answers. */
  private badFile(body: Record<string, unknown>, res: ServerResponse): boolean {
    if (body.msgKey !== "sampleFile") return false;
    let p: { mediaId?: unknown; fileName?: unknown; fileType?: unknown } = {};
    try {
      p = JSON.parse(String(body.msgParam)) as typeof p;
    } catch {
      // judged below
    }
    const upload = typeof p.mediaId === "string" ? this.uploads.get(p.mediaId) : undefined;
    const problem =
      upload?.type !== "file" ? "mediaId 无效" : !["xlsx", "pdf", "zip", "rar", "doc", "docx"].includes(String(p.fileType)) ? "fileType 不支持" : !p.fileName ? "fileName 不能为空" : undefined;
    if (!problem) return false;
    sendJson(res, { code: "InvalidParameter.msgParam", requestid: randomUUID(), message: problem }, 400);
    return true;
  }

  private onCardRegister(body: Record<string, unknown>, res: ServerResponse): void {
    this.cardRegisterCalls++;
    if (this.refuseCardRegistration) return sendJson(res, { code: "Forbidden.AccessDenied.AccessTokenPermissionDenied", requestid: randomUUID(), message: "没有调用该接口的权限" }, 403);
    const key = typeof body.callbackRouteKey === "string" ? body.callbackRouteKey : "";
    const callbackUrl = typeof body.callbackUrl === "string" && /^https?:\/\//.test(body.callbackUrl) ? body.callbackUrl : "";
    if (!key || !callbackUrl) return sendJson(res, { code: "param.error", requestid: randomUUID(), message: "callbackRouteKey 和 callbackUrl 不能为空" }, 400);
    const existing = this.cardCallbacks.get(key);
    // forceUpdate (a field of the official SDK's RegisterCallbackRequest; its meaning taken from its
    // name, not from a doc we could read): whether an existing registration of the key is overwritten.
    if (existing && existing.callbackUrl !== callbackUrl && body.forceUpdate !== true) return sendJson(res, { code: "param.error", requestid: randomUUID(), message: "callbackRouteKey 已注册" }, 400);
    const apiSecret = typeof body.apiSecret === "string" ? body.apiSecret : undefined;
    this.cardCallbacks.set(key, { callbackUrl, ...(apiSecret ? { apiSecret } : {}) });
    return sendJson(res, { success: true, result: { callbackUrl, ...(apiSecret ? { apiSecret } : {}) } });
  }

  private token(req: IncomingMessage): boolean {
    return String(req.headers["x-acs-dingtalk-access-token"] ?? "").startsWith("dt-");
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.base);
    if (url.pathname === "/media/upload" && req.method === "POST") return this.onUpload(req, res, url);
    if (url.pathname.startsWith("/picture-files/") && req.method === "GET") {
      this.pictureDownloads++;
      const picture = this.pictures.get(decodeURIComponent(url.pathname.slice("/picture-files/".length)));
      if (!picture || picture.until < Date.now()) return sendJson(res, { code: "AccessDenied", message: "Request has expired" }, 403);
      res.writeHead(200, { "content-type": "image/jpeg", "content-length": String(picture.bytes.length) });
      return void res.end(picture.bytes);
    }
    const raw = req.method === "POST" || req.method === "PUT" ? await readBody(req) : "";
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return sendJson(res, { code: "InvalidJson" }, 400);
    }
    const push = (s: Omit<Sent, "at">) => {
      const sent = { ...s, at: Date.now() };
      this.sent.push(sent);
      this.onSent?.(sent);
    };
    switch (url.pathname) {
      case "/v1.0/gateway/connections/open": {
        this.gatewayCalls++;
        if (body.clientId !== this.app.clientId || body.clientSecret !== this.app.clientSecret) return sendJson(res, { code: "InvalidAuthentication" }, 401);
        if (this.refuseGatewayEvery > 0 && ++this.gatewayCounted % this.refuseGatewayEvery === 0) {
          this.refusedGatewayCalls++;
          return sendJson(res, { code: "ServiceUnavailable", requestid: randomUUID(), message: "服务暂不可用" }, 503);
        }
        const ticket = randomUUID();
        this.tickets.add(ticket);
        setTimeout(() => this.tickets.delete(ticket), 90_000).unref();
        return sendJson(res, { endpoint: `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}/connect`, ticket });
      }
      case "/v1.0/oauth2/accessToken":
        if (body.appKey !== this.app.clientId || body.appSecret !== this.app.clientSecret) return sendJson(res, { code: "InvalidAuthentication" }, 400);
        this.tokenCalls++;
        return sendJson(res, { accessToken: `dt-${this.tokenCalls}`, expireIn: this.opts.tokenLifeS ?? 7200 });
      case "/v1.0/im/v1.0/robot/interactiveCards/send":
      case "/v1.0/im/robots/interactiveCards":
        if (!this.token(req)) return sendJson(res, { code: "InvalidAuthentication" }, 401);
        if (this.throttled(res, url.pathname)) return;
        return this.onCard(req.method ?? "", body, res, push);
      case "/v1.0/robot/messageFiles/download": {
        if (!this.token(req)) return sendJson(res, { code: "InvalidAuthentication" }, 401);
        if (this.throttled(res, url.pathname)) return;
        const downloadCode = String(body.downloadCode ?? "");
        const robotCode = String(body.robotCode ?? "");
        const picture = this.pictures.get(downloadCode);
        const ok = picture !== undefined && picture.until >= Date.now() && robotCode === this.app.clientId;
        this.downloadCodeCalls.push({ downloadCode, robotCode, status: ok ? 200 : 400 });
        if (!ok) return sendJson(res, { code: "InvalidParameter.DownloadCode", requestid: randomUUID(), message: "下载码无效或已过期" }, 400);
        return sendJson(res, { downloadUrl: `${this.base}/picture-files/${encodeURIComponent(downloadCode)}?Expires=${Math.floor(picture.until / 1000)}` });
      }
      case "/v1.0/card/callbacks/register":
        if (!this.token(req)) return sendJson(res, { code: "InvalidAuthentication" }, 401);
        return this.onCardRegister(body, res);
      case "/v1.0/robot/groupMessages/send":
        if (!this.token(req)) return sendJson(res, { code: "InvalidAuthentication" }, 401);
        if (this.throttled(res, url.pathname)) return;
        if (this.badFile(body, res)) return;
        if (!validTemplate(body)) return sendJson(res, { code: "InvalidParameter.msgParam", message: "msgParam 与 msgKey 不匹配" }, 400);
        push({ via: "group", body, target: String(body.openConversationId) });
        return sendJson(res, { processQueryKey: randomUUID() });
      case "/v1.0/robot/oToMessages/batchSend":
        if (!this.token(req)) return sendJson(res, { code: "InvalidAuthentication" }, 401);
        if (this.throttled(res, url.pathname)) return;
        if (this.badFile(body, res)) return;
        if (!validTemplate(body)) return sendJson(res, { code: "InvalidParameter.msgParam", message: "msgParam 与 msgKey 不匹配" }, 400);
        push({ via: "user", body, target: String((body.userIds as string[] | undefined)?.[0]) });
        return sendJson(res, { processQueryKey: randomUUID() });
      case "/robot/sendBySession": {
        const session = url.searchParams.get("session") ?? "";
        const expires = this.sessions.get(session);
        if (!expires || expires < Date.now()) return sendJson(res, { errcode: 300001, errmsg: "session expired" });
        push({ via: "session", body, target: session });
        return sendJson(res, { errcode: 0, errmsg: "ok" });
      }
      case "/robot/send": {
        const token = url.searchParams.get("access_token") ?? "";
        const ts = url.searchParams.get("timestamp") ?? "";
        const sign = url.searchParams.get("sign") ?? "";
        const secret = this.opts.webhookSecret;
        let errcode = 0;
        if (secret) {
          const expected = createHmac("sha256", secret).update(`${ts}\n${secret}`).digest("base64");
          if (sign !== expected || Math.abs(Date.now() - Number(ts)) > 3600_000) errcode = 310000;
        }
        const limit = this.webhookLimits.get(token) ?? new WindowCounter(this.opts.webhookLimit ?? 20, this.opts.webhookWindowMs ?? 60_000);
        this.webhookLimits.set(token, limit);
        if (!errcode && !limit.allow()) errcode = 130101;
        push({ via: "webhook", body, target: token, errcode });
        return sendJson(res, { errcode, errmsg: errcode ? "refused" : "ok" });
      }
      default:
        return sendJson(res, { code: "NotFound" }, 404);
    }
  }
}

/** An access token from the fake's own token endpoint, for tests that call its OpenAPI directly. */
export async function fetchAccessToken(fake: FakeDingtalk): Promise<string> {
  const res = await fetch(`${fake.base}/v1.0/oauth2/accessToken`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ appKey: fake.app.clientId, appSecret: fake.app.clientSecret }),
  });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/**
 * The robot OpenAPI's message templates (msgKey) and the msgParam fields each requires, from
 * open.dingtalk.com/document/orgapp/types-of-messages-sent-by-robots: sampleText {content},
 * sampleMarkdown {title, text}, sampleImageMsg {photoURL} (a picture DingTalk fetches by URL),
 * sampleLink {text, title, picUrl, messageUrl}, sampleActionCard {title, text, singleTitle,
 * singleURL}, sampleActionCard2..5 {title, text, actionTitleN, actionURLN}, sampleFile {mediaId,
 * fileName, fileType}. Anything else is refused.
 */
const TEMPLATE_FIELDS: Record<string, string[]> = {
  sampleText: ["content"],
  sampleMarkdown: ["title", "text"],
  sampleImageMsg: ["photoURL"],
  sampleFile: ["mediaId", "fileName", "fileType"],
  sampleLink: ["text", "title", "picUrl", "messageUrl"],
  sampleActionCard: ["title", "text", "singleTitle", "singleURL"],
  sampleActionCard2: ["title", "text", "actionTitle1", "actionURL1", "actionTitle2", "actionURL2"],
  sampleActionCard3: ["title", "text", "actionTitle1", "actionURL1"],
  sampleActionCard4: ["title", "text", "actionTitle1", "actionURL1"],
  sampleActionCard5: ["title", "text", "actionTitle1", "actionURL1"],
};

function validTemplate(body: Record<string, unknown>): boolean {
  const fields = TEMPLATE_FIELDS[String(body.msgKey)];
  if (!fields || typeof body.msgParam !== "string") return false;
  let param: Record<string, unknown>;
  try {
    param = JSON.parse(body.msgParam) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (!fields.every((f) => typeof param[f] === "string" && param[f] !== "")) return false;
  return body.msgKey !== "sampleImageMsg" || /^https?:\/\//.test(String(param.photoURL));
}

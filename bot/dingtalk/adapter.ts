/**
 * DingTalk as a platform, its lifecycle: Stream mode (or the HTTP callback) started and stopped,
 * and the parts wired together. In: ./receive.ts (frames and card presses → InboundMessage).
 * Out: ./send.ts (session webhook or OpenAPI, cards) and ./files.ts (exports as file messages).
 */
import { TOPIC_CARD, TOPIC_ROBOT } from "dingtalk-stream";
import type { FastifyInstance } from "fastify";
import type { RedisClient } from "../../config/redis.ts";
import type { Logger } from "../../config/logger.ts";
import type { OutboundMessage } from "../../messages/messages.ts";
import type { ConnectionStatus, InboundSink, LongConnection, PlatformAdapter, StartOptions } from "../adapter.ts";
import type { Delivery } from "../delivery.ts";
import { InboundSpool, spoolDefaults } from "../spool.ts";
import { DingtalkApi, type DingtalkApiOptions } from "./api.ts";
import { CARD_CALLBACK_PATH, cardCallbackApiSecret, cardCallbackToken, registerCardCallbackRoute } from "./card-callback-http.ts";
import { CardRegistry } from "./cards.ts";
import { registerDingtalkCallback } from "./http-callback.ts";
import { DingtalkReceiver } from "./receive.ts";
import { DingtalkSender } from "./send.ts";
import { StreamClient, type Backoff } from "./stream-client.ts";

export interface DingtalkAdapterOptions {
  api: DingtalkApiOptions;
  mode: "stream" | "http";
  gatewayUrl: string;
  keepAliveMs: number;
  backoff: Backoff;
  /** Folder of the local spool that keeps messages the queue refused. */
  spoolDir: string;
  redis: RedisClient;
  prefix: string;
  /** Sent with each card when set (the route of card callbacks registered with DingTalk). */
  cardRouteKey?: string;
  /** Where DingTalk reaches this server (HTTP mode: the card callback URL registered at start). */
  publicBaseUrl?: string;
  /** Largest export sent as a file message (DingTalk's media limit by default); larger ones go as the link alone. */
  maxFileBytes?: number;
  http: FastifyInstance;
  /** Appended to the HTTP callback paths (an organisation's `/<key>`; empty for the legacy one). */
  routeSuffix?: string;
  log: Logger;
  now?: () => number;
}

export class DingtalkAdapter implements PlatformAdapter {
  readonly platform = "dingtalk" as const;
  readonly api: DingtalkApi;
  client: StreamClient | undefined;
  private spool: InboundSpool | undefined;
  private readonly cards: CardRegistry;
  private readonly sender: DingtalkSender;
  private readonly log: Logger;
  private readonly now: () => number;
  /** HTTP mode: true once DingTalk accepted our card callback URL (until then, and if refused, groups get text hints). */
  private httpCardsReady = false;

  constructor(private readonly opts: DingtalkAdapterOptions) {
    this.api = new DingtalkApi(opts.api);
    this.cards = new CardRegistry(opts.redis, opts.prefix);
    this.log = opts.log.child({ platform: "dingtalk" });
    this.now = opts.now ?? Date.now;
    this.sender = new DingtalkSender({
      api: this.api,
      cards: this.cards,
      log: this.log,
      now: this.now,
      apiBases: [opts.api.oapiBase ?? "", opts.api.apiBase],
      ...(opts.cardRouteKey ? { cardRouteKey: opts.cardRouteKey } : {}),
      ...(opts.maxFileBytes !== undefined ? { maxFileBytes: opts.maxFileBytes } : {}),
      // Cards need their clicks: Stream mode has the card topic; HTTP mode only a callback URL DingTalk accepted.
      cardsWork: () => this.opts.mode === "stream" || this.httpCardsReady,
    });
  }

  async start(sink: InboundSink, { connect = true }: StartOptions = {}): Promise<void> {
    const spool = new InboundSpool(sink, { ...spoolDefaults, dir: this.opts.spoolDir, log: this.log });
    this.spool = spool;
    await spool.start();
    const receiver = new DingtalkReceiver(spool, this.cards, this.log, this.now);
    if (this.opts.mode === "http") {
      // The HTTP callback is pushed once too: answered once queued or spooled.
      registerDingtalkCallback(this.opts.http, {
        secret: this.opts.api.clientSecret,
        sink: async (m) => {
          await spool.accept(m);
          return { jobId: "", existed: false };
        },
        log: this.log,
        redis: this.opts.redis,
        prefix: this.opts.prefix,
        path: `/dingtalk/callback${this.opts.routeSuffix ?? ""}`,
        now: this.now,
      });
      this.startHttpCards(receiver);
      return;
    }
    const client = new StreamClient({
      clientId: this.opts.api.clientId,
      clientSecret: this.opts.api.clientSecret,
      gatewayUrl: this.opts.gatewayUrl,
      keepAliveMs: this.opts.keepAliveMs,
      backoff: this.opts.backoff,
      log: this.log,
    });
    client.on(TOPIC_ROBOT, (frame, ack) => void receiver.onRobotMessage(frame, ack));
    client.on(TOPIC_CARD, (frame, ack) => void receiver.onCardCallback(frame, ack));
    this.client = client;
    if (connect) client.start();
  }

  /** Stream mode's socket; HTTP mode has none (every gateway serves the callback). */
  longConnection(): LongConnection | undefined {
    const c = this.client;
    return c && { open: () => c.start(), standby: () => c.stop("standby") };
  }

  /**
   * HTTP mode with a card route key and a public URL: the click route is served here and its URL
   * registered with DingTalk in the background (boot never waits on DingTalk). Refused or
   * unreachable: logged once, and groups keep getting "@我 发送 …" hints.
   */
  private startHttpCards(receiver: DingtalkReceiver): void {
    const routeKey = this.opts.cardRouteKey;
    const base = this.opts.publicBaseUrl?.replace(/\/+$/, "");
    if (!routeKey || !base) return;
    const secret = this.opts.api.clientSecret;
    const token = cardCallbackToken(secret, routeKey);
    const path = `${CARD_CALLBACK_PATH}${this.opts.routeSuffix ?? ""}`;
    registerCardCallbackRoute(this.opts.http, token, (body) => receiver.onHttpCardPress(body), this.log, path);
    void this.api
      .registerCardCallback({ callbackRouteKey: routeKey, callbackUrl: `${base}${path}/${token}`, apiSecret: cardCallbackApiSecret(secret, routeKey) })
      .then(() => {
        this.httpCardsReady = true;
        this.log.info({ routeKey }, "dingtalk card callback URL registered; groups get interactive cards");
      })
      .catch((e: unknown) => {
        this.log.warn({ err: e instanceof Error ? e.message : String(e), routeKey }, "dingtalk card callback registration refused; groups get '@我 发送' hints instead of cards");
      });
  }

  status(): ConnectionStatus[] {
    return this.client ? [this.client.status()] : [];
  }

  plan(message: OutboundMessage): Delivery[] {
    return this.sender.plan(message);
  }

  async stop(): Promise<void> {
    this.client?.stop();
    this.spool?.stop();
  }
}

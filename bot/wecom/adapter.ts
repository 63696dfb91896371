/**
 * WeCom as a platform, its lifecycle: the 智能机器人 long connection and/or the self-built app
 * callback started and stopped, and the parts wired together. In: ./receive.ts (frames and card
 * clicks → InboundMessage) and ./app-callback.ts. Out: ./send.ts (stream replies, cards,
 * proactive sends within the quota, the app) and ./files.ts (pictures and exports). No
 * database, no commands.
 */
import type { FastifyInstance } from "fastify";
import type { RedisClient } from "../../config/redis.ts";
import type { Logger } from "../../config/logger.ts";
import type { OutboundMessage } from "../../messages/messages.ts";
import type { ConnectionStatus, InboundSink, LongConnection, PlatformAdapter, StartOptions } from "../adapter.ts";
import type { Delivery } from "../delivery.ts";
import { WecomAppApi, type AppApiOptions } from "./app-api.ts";
import { registerWecomCallback } from "./app-callback.ts";
import { BotConnection, type BotConnectionOptions } from "./bot-connection.ts";
import type { CallbackKeys } from "./callback-crypto.ts";
import { CardStore } from "./cards.ts";
import { ProactiveQuota, QuotaGuard } from "./quota.ts";
import { WecomReceiver } from "./receive.ts";
import { WecomSender } from "./send.ts";

export interface WecomAdapterOptions {
  bot?: Omit<BotConnectionOptions, "log">;
  /** `path`: where WeCom posts the app's callbacks (default /wecom/callback; one per organisation). */
  app?: { api: AppApiOptions; keys: CallbackKeys; http: FastifyInstance; path?: string };
  redis: RedisClient;
  prefix: string;
  log: Logger;
  /** The clock the proactive quota's reset is reckoned on (tests move it). */
  now?: () => Date;
}

export class WecomAdapter implements PlatformAdapter {
  readonly platform = "wecom" as const;
  readonly connection: BotConnection | undefined;
  private readonly cards: CardStore;
  private readonly sender: WecomSender;
  private readonly log: Logger;

  constructor(private readonly opts: WecomAdapterOptions) {
    this.log = opts.log.child({ platform: "wecom" });
    this.connection = opts.bot && new BotConnection({ ...opts.bot, log: opts.log });
    const app = opts.app && new WecomAppApi(opts.app.api, opts.log.child({ platform: "wecom", mode: "app" }));
    this.cards = new CardStore(opts.redis, opts.prefix);
    const quota = new QuotaGuard(new ProactiveQuota(opts.redis, opts.prefix, opts.now ?? (() => new Date())), app, this.log);
    this.sender = new WecomSender({ connection: this.connection, app, cards: this.cards, quota, log: this.log });
  }

  async start(sink: InboundSink, { connect = true }: StartOptions = {}): Promise<void> {
    // The app's callback is plain HTTP: served by every gateway, standby or not.
    if (this.opts.app) registerWecomCallback(this.opts.app.http, this.opts.app.keys, sink, this.log, () => (this.opts.now?.() ?? new Date()).getTime(), this.opts.app.path);
    if (!this.connection) return;
    this.connection.listen(new WecomReceiver(sink, this.cards, this.log).handlers(this.connection));
    if (connect) this.connection.open();
  }

  longConnection(): LongConnection | undefined {
    const c = this.connection;
    return c && { open: () => c.open(), standby: () => c.standby() };
  }

  plan(message: OutboundMessage): Delivery[] {
    return this.sender.plan(message);
  }

  status(): ConnectionStatus[] {
    return this.connection ? [this.connection.status()] : [];
  }

  async stop(): Promise<void> {
    this.connection?.stop();
  }
}

/**
 * The 智能机器人's proactive-send quota (aibot_send_msg), remembered per conversation in Redis.
 *
 * What is known and what is assumed:
 * - The quota (reported as 10 proactive messages per conversation per day) is not stated in the
 *   official long-connection doc we could read (developer.work.weixin.qq.com/document/path/101463,
 *   "主动推送消息"), and no errcode is documented for it. We assume WeCom answers it like its other
 *   frequency limits, errcode 45009 "api freq out of limit" (全局错误码,
 *   developer.work.weixin.qq.com/document/path/90313). An aibot_send_msg refused with it is taken as
 *   "this conversation's quota is used up": retrying the same day cannot succeed.
 * - When it resets is likewise assumed from WeCom's frequency rules for apps (访问频率限制,
 *   developer.work.weixin.qq.com/document/path/90454: "按天拦截则被屏蔽一天（自然天）"): a natural
 *   day in China, i.e. midnight Beijing time (UTC+8, no daylight saving).
 * Passive replies on a message's req_id (aibot_respond_msg) are not proactive sends and never
 * come here.
 */
import type { RedisClient } from "../../config/redis.ts";
import type { Logger } from "../../config/logger.ts";
import { QuotaExhaustedError } from "../delivery.ts";
import { wecomQuotaRefusals } from "../metrics.ts";
import type { WecomAppApi } from "./app-api.ts";
import { WecomAckError } from "./bot-connection.ts";

/** Answers to aibot_send_msg taken as "daily quota used up" (assumption, see above). */
export const QUOTA_ERRCODES: ReadonlySet<number> = new Set([45009]);

const BEIJING_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** The next midnight in Beijing after `now`: when a conversation's daily quota starts again. */
export function nextBeijingMidnight(now: Date): Date {
  const local = now.getTime() + BEIJING_OFFSET_MS;
  return new Date(Math.floor(local / DAY_MS) * DAY_MS + DAY_MS - BEIJING_OFFSET_MS);
}

/** A proactive send WeCom will not take today for this conversation, and no other way reaches it. */
export class WecomQuotaError extends QuotaExhaustedError {
  constructor(
    readonly chatId: string,
    until: Date,
  ) {
    super(`wecom 智能机器人 proactive-send quota used up for this conversation until ${until.toISOString()} (not retried)`, until);
  }
}

/**
 * Conversations whose quota is used up, shared by every gateway process: the key holds the reset
 * instant (checked against the injected clock) and expires shortly after it.
 */
export class ProactiveQuota {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly now: () => Date,
  ) {}

  private key(chatId: string): string {
    return `${this.prefix}:wecom:quota:${chatId}`;
  }

  /** The reset instant when the conversation is exhausted, else undefined. */
  async exhaustedUntil(chatId: string): Promise<Date | undefined> {
    const v = Number(await this.redis.get(this.key(chatId)));
    return Number.isFinite(v) && v > this.now().getTime() ? new Date(v) : undefined;
  }

  /** Remembers the refusal until the next reset; returns that instant. */
  async markExhausted(chatId: string): Promise<Date> {
    const now = this.now();
    const until = nextBeijingMidnight(now);
    await this.redis.set(this.key(chatId), String(until.getTime()), "PX", Math.max(1000, until.getTime() - now.getTime() + 60_000));
    return until;
  }
}

/**
 * Every proactive send on the bot connection goes through here: a conversation known to be
 * exhausted is not tried again before the reset; a refusal is remembered, counted and logged once.
 * Either way the message goes through the self-built app when it can reach the recipient (a user,
 * 1:1, and the caller says how), else the send fails as undeliverable (WecomQuotaError).
 */
export class QuotaGuard {
  constructor(
    private readonly quota: ProactiveQuota,
    private readonly app: WecomAppApi | undefined,
    private readonly log: Logger,
  ) {}

  exhaustedUntil(chatId: string): Promise<Date | undefined> {
    return this.quota.exhaustedUntil(chatId);
  }

  async send(chatId: string, direct: boolean, send: () => Promise<void>, viaApp?: (app: WecomAppApi) => Promise<void>): Promise<void> {
    const app = this.app;
    const fallback = direct && viaApp && app ? () => viaApp(app) : undefined;
    let until = await this.quota.exhaustedUntil(chatId);
    if (!until) {
      try {
        return await send();
      } catch (e) {
        if (!(e instanceof WecomAckError) || !QUOTA_ERRCODES.has(e.errcode)) throw e;
        until = await this.quota.markExhausted(chatId);
        wecomQuotaRefusals.inc({ fallback: fallback ? "app" : "none" });
        const fix = fallback
          ? "今天改由自建应用发送"
          : direct
            ? "配置企业微信自建应用（WECOM_CORP_ID、WECOM_APP_SECRET、WECOM_AGENT_ID 等）后，超出额度的单聊推送会改由应用发送"
            : "群里超出额度的推送今天无法送达：可用 /推送群 添加 该群的群机器人 Webhook 接收通知，或减少推送";
        this.log.warn(
          { chatId, errcode: e.errcode, until: until.toISOString(), fallback: fallback ? "app" : "none" },
          `wecom bot proactive-send quota used up for this conversation; no more proactive sends to it until ${until.toISOString()} (not retried). 修复：${fix}`,
        );
      }
    }
    if (fallback) return fallback();
    throw new WecomQuotaError(chatId, until);
  }
}

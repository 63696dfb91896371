/**
 * Group robot webhooks, push-only (WeCom 群机器人, DingTalk 自定义机器人): payloads, DingTalk's
 * signing, and the platforms' throttling answers turned into "wait and send again".
 */
import { markdownSafe } from "./markdown.ts";
import { createHash, createHmac } from "node:crypto";
import type { WebhookTarget } from "../messages/messages.ts";
import { ThrottledError, UndeliverableError, type Delivery } from "./delivery.ts";
import { requestJson } from "./http-json.ts";
import { splitForLimit } from "./split.ts";

/** WeCom robot markdown ≤ 4096 bytes; DingTalk custom robot ≤ 20000 bytes (kept well below). */
const LIMIT = { wecom: 4096, dingtalk: 5000 } as const;
/** Throttling answers: WeCom 45009/45033, DingTalk 130101 (and 410100, "too many requests"). */
const WECOM_THROTTLED = new Set([45009, 45033]);
const DINGTALK_THROTTLED = new Set([130101, 410100]);

/** sign = urlEncode(base64(HmacSHA256(key = secret, timestamp + "\n" + secret))), per DingTalk's docs. */
export function dingtalkSign(secret: string, timestamp: number): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}\n${secret}`).digest("base64");
  return encodeURIComponent(mac);
}

export function signedDingtalkUrl(url: string, secret: string | undefined, now = Date.now()): string {
  if (!secret) return url;
  return `${url}${url.includes("?") ? "&" : "?"}timestamp=${now}&sign=${dingtalkSign(secret, now)}`;
}

/** One bucket per robot; the URL (which holds the robot's key) is hashed, never stored in Redis in clear. */
export const webhookBucket = (url: string) => `webhook:${createHash("sha256").update(url).digest("hex").slice(0, 24)}`;

interface Answer {
  errcode?: number;
  errmsg?: string;
}

/**
 * `windowMs` is the robot's rate window: after WeCom's 45009 the robot is tried again one window
 * later; DingTalk blocks a robot for 10 minutes after 130101 (ten one-minute windows).
 */
export function webhookDeliveries(target: WebhookTarget, texts: readonly string[], windowMs = 60_000): Delivery[] {
  const bucket = webhookBucket(target.url);
  // Both robots render markdown; digests and notices carry user text (titles, notes) to other groups.
  const parts = texts.flatMap((t) => splitForLimit(markdownSafe(t), LIMIT[target.platform]));
  return parts.map((text) => ({
    bucket,
    send: () => (target.platform === "wecom" ? sendWecom(target, text, windowMs) : sendDingtalk(target, text, windowMs * 10)),
  }));
}

async function sendWecom(target: WebhookTarget, content: string, waitMs: number): Promise<void> {
  const a = await requestJson<Answer>("wecom webhook", target.url, { body: { msgtype: "markdown", markdown: { content } } });
  check(a, WECOM_THROTTLED, waitMs, "wecom webhook");
}

async function sendDingtalk(target: WebhookTarget, text: string, waitMs: number): Promise<void> {
  const title = text.split("\n")[0]?.slice(0, 30) || "通知";
  const a = await requestJson<Answer>("dingtalk webhook", signedDingtalkUrl(target.url, target.secret), { body: { msgtype: "markdown", markdown: { title, text } } });
  check(a, DINGTALK_THROTTLED, waitMs, "dingtalk webhook");
}

function check(a: Answer, throttled: ReadonlySet<number>, waitMs: number, what: string): void {
  const code = a.errcode ?? 0;
  if (code === 0) return;
  // The platform's own words go along, into the log line and the job's error.
  const detail = `errcode ${code}${a.errmsg ? `: ${a.errmsg}` : ""}`;
  if (throttled.has(code)) throw new ThrottledError(waitMs, `${what} ${detail}`);
  // Wrong key / token / signature: sending again cannot help.
  if ([93000, 40001, 40008, 300001, 310000, 400101, 400102].includes(code)) throw new UndeliverableError(`${what} refused: ${detail}`);
  throw new Error(`${what} failed: ${detail}`);
}

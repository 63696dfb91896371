/**
 * DingTalk's HTTP callback mode (for deployments that cannot keep a Stream connection): the
 * robot POSTs each message with `timestamp` and `sign` headers, sign = base64(HmacSHA256(key =
 * app secret, timestamp + "\n" + app secret)). Answered at once; replies go through the session
 * webhook (only to DingTalk's own hosts: ./session-webhook.ts).
 *
 * The signature covers the timestamp only, not the body, so a captured (timestamp, sign) pair
 * would carry any body while it is valid. Hence: the pair is checked before the body is read
 * (a stranger cannot make us buffer or wait for a body), the timestamp must be within five
 * minutes of our clock (DingTalk allows an hour; it never retries a robot callback, so nothing
 * legitimate arrives late), and each pair is accepted once (SET NX in Redis for longer than the
 * window). Two genuine messages signed in the same millisecond would share a pair; the second is
 * refused, which is the price of refusing replays.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { RedisClient } from "../../config/redis.ts";
import type { Logger } from "../../config/logger.ts";
import type { InboundSink } from "../adapter.ts";
import { messageFromRobot } from "./inbound.ts";

export const WINDOW_MS = 5 * 60_000;
/** Bodies of robot messages are small: a long text is 20 KB at most. */
const BODY_LIMIT = 256 * 1024;

export function callbackSign(secret: string, timestamp: string): string {
  return createHmac("sha256", secret).update(`${timestamp}\n${secret}`).digest("base64");
}

export function callbackSignValid(secret: string, timestamp: unknown, sign: unknown, now = Date.now()): boolean {
  if (typeof timestamp !== "string" || typeof sign !== "string" || !/^\d{10,16}$/.test(timestamp)) return false;
  if (Math.abs(now - Number(timestamp)) > WINDOW_MS) return false;
  const expected = Buffer.from(callbackSign(secret, timestamp));
  const given = Buffer.from(sign);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface CallbackOptions {
  secret: string;
  sink: InboundSink;
  log: Logger;
  /** Where used pairs are remembered (shared by every gateway), under the queue prefix. */
  redis: RedisClient;
  prefix: string;
  /** Where DingTalk posts the robot's messages (default /dingtalk/callback; one per organisation). */
  path?: string;
  now?: () => number;
}

/** True the first time a (timestamp, sign) pair is seen; a Redis failure lets it through (logged), so an outage loses no message. */
async function firstUse(o: CallbackOptions, timestamp: string, sign: string): Promise<boolean> {
  const key = `${o.prefix}:dingtalk:callback-sign:${createHash("sha256").update(`${timestamp}\n${sign}`).digest("base64url")}`;
  try {
    return (await o.redis.set(key, "1", "PX", 2 * WINDOW_MS, "NX")) === "OK";
  } catch (e) {
    o.log.warn({ err: (e as Error).message }, "dingtalk callback: replay check unavailable (Redis); accepted on the signature alone");
    return true;
  }
}

export function registerDingtalkCallback(http: FastifyInstance, o: CallbackOptions): void {
  const now = o.now ?? Date.now;
  const refuse = (reply: FastifyReply, why: string) => {
    o.log.warn(`dingtalk callback refused (${why})`);
    // The body is never read: close the connection rather than drain it.
    return reply.code(403).header("connection", "close").send({ error: "签名校验失败" });
  };
  const checkSignature = async (req: FastifyRequest, reply: FastifyReply) => {
    const { timestamp, sign } = req.headers;
    if (!callbackSignValid(o.secret, timestamp, sign, now())) return refuse(reply, "bad or stale signature");
    if (!(await firstUse(o, String(timestamp), String(sign)))) return refuse(reply, "signature already used");
  };
  http.post(o.path ?? "/dingtalk/callback", { onRequest: checkSignature, bodyLimit: BODY_LIMIT }, async (req, reply) => {
    const message = messageFromRobot(req.body, new Date(now()));
    if (!message) return reply.code(400).send({ error: "请求格式不对：应为钉钉机器人消息的 JSON。" });
    await o.sink(message);
    return reply.send({});
  });
}

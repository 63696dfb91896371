/**
 * DingTalk's HTTP callback mode (for deployments that cannot keep a Stream connection): the
 * robot POSTs each message with `timestamp` and `sign` headers, sign = base64(HmacSHA256(key =
 * app secret, timestamp + "\n" + app secret)), timestamp within an hour. Verified in constant
 * time; anything else gets 403. Answered at once; replies go through the session webhook.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Logger } from "../../config/logger.ts";
import type { InboundSink } from "../adapter.ts";
import { messageFromRobot } from "./inbound.ts";

const WINDOW_MS = 3600_000;

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

export function registerDingtalkCallback(http: FastifyInstance, secret: string, sink: InboundSink, log: Logger): void {
  http.post("/dingtalk/callback", async (req, reply) => {
    if (!callbackSignValid(secret, req.headers.timestamp, req.headers.sign)) {
      log.warn("dingtalk callback refused (bad or stale signature)");
      return reply.code(403).send({ error: "签名校验失败" });
    }
    const message = messageFromRobot(req.body, new Date());
    if (!message) return reply.code(400).send({ error: "请求格式不对：应为钉钉机器人消息的 JSON。" });
    await sink(message);
    return reply.send({});
  });
}

/**
 * Card clicks in HTTP mode. DingTalk posts a card's clicks to the URL registered for its
 * callbackRouteKey (POST /v1.0/card/callbacks/register; the card-callback guide "事件回调 → HTTP回调模式":
 * "卡片发生交互请求时，卡片服务端会将这个交互请求发送给卡片绑定的 callbackRouteKey 所对应的 URL 处").
 * The request body carries the same fields as the Stream card topic (outTrackId, userId, corpId,
 * content with cardPrivateData.actionIds).
 *
 * How DingTalk signs that request is not documented in the sources we could check (the register
 * API takes an `apiSecret`, described in the official SDK only as "api 签名密钥"; no page says
 * which header or algorithm carries it). So the proof we rely on is one that is documented: DingTalk
 * posts to exactly the URL we registered. That URL holds a secret path token derived from the app
 * secret (never logged; compared in constant time). A request without it is refused with 403 and
 * touches nothing; so is one naming a card or button we never sent or whose time is over.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Logger } from "../../config/logger.ts";

export const CARD_CALLBACK_PATH = "/dingtalk/card-callback";

/** Stable across restarts (so registering again is idempotent), different per route key, unguessable without the app secret. */
export function cardCallbackToken(appSecret: string, routeKey: string): string {
  return createHmac("sha256", appSecret).update(`dingtalk card callback\n${routeKey}`).digest("base64url");
}

/** The apiSecret registered with the route (kept apart from the path token: one never reveals the other). */
export function cardCallbackApiSecret(appSecret: string, routeKey: string): string {
  return createHmac("sha256", appSecret).update(`dingtalk card api secret\n${routeKey}`).digest("base64url").slice(0, 32);
}

export function cardCallbackTokenValid(expected: string, given: unknown): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What became of a press: queued (200), not a card press at all (400), or not ours / no longer valid (403). */
export type PressOutcome = "queued" | "malformed" | "unknown";

/** `path`: CARD_CALLBACK_PATH, or one per organisation under it. */
export function registerCardCallbackRoute(http: FastifyInstance, token: string, onPress: (body: unknown) => Promise<PressOutcome>, log: Logger, path = CARD_CALLBACK_PATH): void {
  http.post<{ Params: { token: string } }>(`${path}/:token`, async (req, reply) => {
    if (!cardCallbackTokenValid(token, req.params.token)) {
      log.warn("dingtalk card callback refused (wrong path token)");
      return reply.code(403).send({ error: "签名校验失败" });
    }
    const outcome = await onPress(req.body);
    if (outcome === "malformed") return reply.code(400).send({ error: "请求格式不对：应为钉钉卡片回调的 JSON（outTrackId、userId、content）。" });
    if (outcome === "unknown") return reply.code(403).send({ error: "卡片不存在或已过期" });
    return reply.send({});
  });
}

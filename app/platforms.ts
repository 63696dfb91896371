/** Building the platform adapters the configuration asks for (secrets go from env straight in, never logged). */
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { RedisClient } from "../config/redis.ts";
import { WecomAdapter } from "../bot/wecom/adapter.ts";
import { DingtalkAdapter } from "../bot/dingtalk/adapter.ts";
import { dingtalkEnabled, wecomAppEnabled, wecomBotEnabled, type Env } from "../config/env.ts";
import type { Logger } from "../config/logger.ts";
import { DingtalkApi } from "../bot/dingtalk/api.ts";
import { fetchDingtalkPicture } from "../bot/dingtalk/pictures.ts";
import { fetchWecomPicture } from "../bot/wecom/pictures.ts";
import { PictureUnavailable, type PictureSource } from "../messages/pictures.ts";

interface Parts {
  http: FastifyInstance;
  redis: RedisClient;
  log: Logger;
  /** The app's clock: callback timestamps are checked against it (tests move it). */
  now?: () => Date;
}

export function wecomAdapter(env: Env, { http, redis, log, now }: Parts): WecomAdapter | undefined {
  const bot =
    wecomBotEnabled(env) && env.WECOM_BOT_ID && env.WECOM_BOT_SECRET
      ? { botId: env.WECOM_BOT_ID, secret: env.WECOM_BOT_SECRET, wsUrl: env.WECOM_WS_URL, heartbeatMs: env.WECOM_HEARTBEAT_MS }
      : undefined;
  const app =
    wecomAppEnabled(env) && env.WECOM_CORP_ID && env.WECOM_APP_TOKEN && env.WECOM_APP_AES_KEY && env.WECOM_APP_SECRET && env.WECOM_AGENT_ID
      ? {
          api: { apiBase: env.WECOM_API_BASE, corpId: env.WECOM_CORP_ID, secret: env.WECOM_APP_SECRET, agentId: env.WECOM_AGENT_ID },
          keys: { token: env.WECOM_APP_TOKEN, aesKey: env.WECOM_APP_AES_KEY, corpId: env.WECOM_CORP_ID },
          http,
        }
      : undefined;
  if (!bot && !app) return undefined;
  return new WecomAdapter({ ...(bot ? { bot } : {}), ...(app ? { app } : {}), redis, prefix: env.QUEUE_PREFIX, log, ...(now ? { now } : {}) });
}

export function dingtalkAdapter(env: Env, { http, redis, log }: Parts): DingtalkAdapter | undefined {
  if (!dingtalkEnabled(env) || !env.DINGTALK_CLIENT_ID || !env.DINGTALK_CLIENT_SECRET) return undefined;
  return new DingtalkAdapter({
    api: {
      apiBase: env.DINGTALK_API_BASE,
      oapiBase: env.DINGTALK_OAPI_BASE,
      clientId: env.DINGTALK_CLIENT_ID,
      clientSecret: env.DINGTALK_CLIENT_SECRET,
      robotCode: env.DINGTALK_ROBOT_CODE ?? env.DINGTALK_CLIENT_ID,
    },
    mode: env.DINGTALK_MODE,
    gatewayUrl: env.DINGTALK_GATEWAY_URL ?? `${env.DINGTALK_API_BASE}/v1.0/gateway/connections/open`,
    keepAliveMs: env.DINGTALK_KEEPALIVE_MS,
    backoff: { initialMs: env.DINGTALK_BACKOFF_INITIAL_MS, maxMs: env.DINGTALK_BACKOFF_MAX_MS, handoverRetryMs: env.DINGTALK_HANDOVER_RETRY_MS },
    spoolDir: join(env.SPOOL_DIR, env.QUEUE_PREFIX, "dingtalk"),
    redis,
    prefix: env.QUEUE_PREFIX,
    ...(env.DINGTALK_CARD_ROUTE_KEY ? { cardRouteKey: env.DINGTALK_CARD_ROUTE_KEY } : {}),
    ...(env.PUBLIC_BASE_URL ? { publicBaseUrl: env.PUBLIC_BASE_URL } : {}),
    http,
    log,
  });
}

/**
 * Fetching the pictures people send (messages/pictures.ts), for the inbound worker in any
 * process role: it needs HTTP and the app's credentials, not the platform connection.
 */
export function pictureSource(env: Env): PictureSource {
  const dingtalk =
    env.DINGTALK_CLIENT_ID && env.DINGTALK_CLIENT_SECRET
      ? new DingtalkApi({
          apiBase: env.DINGTALK_API_BASE,
          oapiBase: env.DINGTALK_OAPI_BASE,
          clientId: env.DINGTALK_CLIENT_ID,
          clientSecret: env.DINGTALK_CLIENT_SECRET,
          robotCode: env.DINGTALK_ROBOT_CODE ?? env.DINGTALK_CLIENT_ID,
        })
      : undefined;
  return {
    async fetch(platform, picture, maxBytes) {
      if (platform === "wecom") return fetchWecomPicture(picture, maxBytes);
      if (platform === "dingtalk" && dingtalk) return fetchDingtalkPicture(dingtalk, picture, maxBytes);
      throw new PictureUnavailable(`no picture download for ${platform}`);
    },
  };
}

/**
 * Building the platform adapters the configuration asks for: one per organisation (config/orgs.ts)
 * and platform, joined per platform by bot/org-router.ts. Secrets go from env straight in, never logged.
 */
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { RedisClient } from "../config/redis.ts";
import type { PlatformAdapter } from "../bot/adapter.ts";
import { WecomAdapter } from "../bot/wecom/adapter.ts";
import { DingtalkAdapter } from "../bot/dingtalk/adapter.ts";
import { OrgRouter, PICTURE_ORG } from "../bot/org-router.ts";
import type { Env } from "../config/env.ts";
import type { Logger } from "../config/logger.ts";
import { organisations, type OrgConfig } from "../config/orgs.ts";
import { DingtalkApi, type DingtalkApiOptions } from "../bot/dingtalk/api.ts";
import { fetchDingtalkPicture } from "../bot/dingtalk/pictures.ts";
import { fetchWecomPicture } from "../bot/wecom/pictures.ts";
import { PictureUnavailable, type PictureSource } from "../messages/pictures.ts";
import { LEGACY_ORG } from "../messages/orgs.ts";

interface Parts {
  http: FastifyInstance;
  redis: RedisClient;
  log: Logger;
  /** The app's clock: callback timestamps are checked against it (tests move it). */
  now?: () => Date;
}

/**
 * What one organisation's adapters keep apart from another's: Redis keys (card and quota state
 * are per chat id, which two organisations may share), the spool folder and HTTP callback paths.
 * The legacy organisation keeps the names it had before there were organisations.
 */
const legacy = (org: OrgConfig) => org.key === LEGACY_ORG;
const orgPrefix = (env: Env, org: OrgConfig) => (legacy(org) ? env.QUEUE_PREFIX : `${env.QUEUE_PREFIX}:org:${org.key}`);
const routeSuffix = (org: OrgConfig) => (legacy(org) ? "" : `/${org.key}`);
const orgLog = (log: Logger, org: OrgConfig) => (legacy(org) ? log : log.child({ org: org.key }));

function dingtalkApiOptions(d: NonNullable<OrgConfig["dingtalk"]>): DingtalkApiOptions {
  return { apiBase: d.apiBase, oapiBase: d.oapiBase, clientId: d.clientId, clientSecret: d.clientSecret, robotCode: d.robotCode };
}

function wecomFor(env: Env, org: OrgConfig, { http, redis, log, now }: Parts): WecomAdapter | undefined {
  const b = org.wecomBot;
  const a = org.wecomApp;
  if (!b && !a) return undefined;
  const bot = b && { botId: b.botId, secret: b.secret, wsUrl: b.wsUrl, heartbeatMs: env.WECOM_HEARTBEAT_MS };
  const app = a && {
    api: { apiBase: a.apiBase, corpId: a.corpId, secret: a.secret, agentId: a.agentId },
    keys: { token: a.token, aesKey: a.aesKey, corpId: a.corpId },
    http,
    path: `/wecom/callback${routeSuffix(org)}`,
  };
  return new WecomAdapter({ ...(bot ? { bot } : {}), ...(app ? { app } : {}), redis, prefix: orgPrefix(env, org), log: orgLog(log, org), ...(now ? { now } : {}) });
}

function dingtalkFor(env: Env, org: OrgConfig, { http, redis, log }: Parts): DingtalkAdapter | undefined {
  const d = org.dingtalk;
  if (!d) return undefined;
  return new DingtalkAdapter({
    api: dingtalkApiOptions(d),
    mode: d.mode,
    gatewayUrl: d.gatewayUrl,
    keepAliveMs: env.DINGTALK_KEEPALIVE_MS,
    backoff: { initialMs: env.DINGTALK_BACKOFF_INITIAL_MS, maxMs: env.DINGTALK_BACKOFF_MAX_MS, handoverRetryMs: env.DINGTALK_HANDOVER_RETRY_MS },
    spoolDir: join(env.SPOOL_DIR, env.QUEUE_PREFIX, legacy(org) ? "dingtalk" : `dingtalk-${org.key}`),
    redis,
    prefix: orgPrefix(env, org),
    ...(d.cardRouteKey ? { cardRouteKey: d.cardRouteKey } : {}),
    ...(env.PUBLIC_BASE_URL ? { publicBaseUrl: env.PUBLIC_BASE_URL } : {}),
    http,
    routeSuffix: routeSuffix(org),
    log: orgLog(log, org),
  });
}

function router(platform: "wecom" | "dingtalk", env: Env, parts: Parts, build: (env: Env, org: OrgConfig, parts: Parts) => PlatformAdapter | undefined): OrgRouter | undefined {
  const byOrg = new Map<string, PlatformAdapter>();
  for (const org of organisations(env)) {
    const adapter = build(env, org, parts);
    if (adapter) byOrg.set(org.key, adapter);
  }
  return byOrg.size > 0 ? new OrgRouter(platform, byOrg) : undefined;
}

export const wecomAdapter = (env: Env, parts: Parts) => router("wecom", env, parts, wecomFor);
export const dingtalkAdapter = (env: Env, parts: Parts) => router("dingtalk", env, parts, dingtalkFor);

/**
 * Fetching the pictures people send (messages/pictures.ts), for the inbound worker in any
 * process role: it needs HTTP and the app's credentials, not the platform connection. A DingTalk
 * download code works only with the app that received it: the picture names its organisation.
 */
export function pictureSource(env: Env): PictureSource {
  const dingtalk = new Map(organisations(env).flatMap((o) => (o.dingtalk ? [[o.key, new DingtalkApi(dingtalkApiOptions(o.dingtalk))] as const] : [])));
  return {
    async fetch(platform, picture, maxBytes) {
      if (platform === "wecom") return fetchWecomPicture(picture, maxBytes);
      const api = platform === "dingtalk" ? dingtalk.get(picture[PICTURE_ORG] ?? LEGACY_ORG) : undefined;
      if (api) return fetchDingtalkPicture(api, picture, maxBytes);
      throw new PictureUnavailable(`no picture download for ${platform}`);
    },
  };
}

/**
 * The signed-in web pages: cookies, form bodies and CSRF for the whole server, the platforms'
 * sign-in flows this deployment has credentials for, and the dashboard. Off when links are off
 * (no signing key), like the forms.
 */
import cookie from "@fastify/cookie";
import csrf from "@fastify/csrf-protection";
import formbody from "@fastify/formbody";
import type { FastifyInstance } from "fastify";
import type { InboundSink } from "../bot/adapter.ts";
import type { InboundResult } from "../messages/queues.ts";
import { dingtalkWebLogin } from "../bot/dingtalk/web-login.ts";
import type { WebLogin } from "../bot/web-login.ts";
import { wecomWebLogin } from "../bot/wecom/web-login.ts";
import type { FormSettings } from "../commands/core/types.ts";
import { simulatorEnabled, type Env } from "../config/env.ts";
import type { Logger } from "../config/logger.ts";
import type { Db } from "../db/client.ts";
import { registerAuthRoutes } from "../web/auth/routes.ts";
import { sessionKeys } from "../web/auth/session.ts";
import { registerDashboardRoutes } from "../web/dashboard/routes.ts";

export function webLogins(env: Env): WebLogin[] {
  const logins: WebLogin[] = [];
  // 网页授权 needs a self-built app (corp id, its secret and agent id); the 智能机器人 has none.
  if (env.WECOM_CORP_ID && env.WECOM_APP_SECRET && env.WECOM_AGENT_ID)
    logins.push(wecomWebLogin({ corpId: env.WECOM_CORP_ID, agentId: env.WECOM_AGENT_ID, secret: env.WECOM_APP_SECRET, apiBase: env.WECOM_API_BASE, oauthBase: env.WECOM_OAUTH_BASE }));
  if (env.DINGTALK_CLIENT_ID && env.DINGTALK_CLIENT_SECRET)
    logins.push(
      dingtalkWebLogin({
        clientId: env.DINGTALK_CLIENT_ID,
        clientSecret: env.DINGTALK_CLIENT_SECRET,
        apiBase: env.DINGTALK_API_BASE,
        oapiBase: env.DINGTALK_OAPI_BASE,
        loginBase: env.DINGTALK_LOGIN_BASE,
      }),
    );
  return logins;
}

export async function registerWebPages(
  http: FastifyInstance,
  deps: { env: Env; forms: FormSettings; db: Db; now: () => Date; log: Logger; sink: InboundSink; resultOf: (jobId: string, timeoutMs: number) => Promise<InboundResult | undefined> },
): Promise<void> {
  const { env, forms } = deps;
  const keys = sessionKeys(forms.secret, env.PUBLIC_BASE_URL ?? "");
  await http.register(cookie);
  await http.register(formbody, { bodyLimit: 16 * 1024 });
  await http.register(csrf, { sessionPlugin: "@fastify/cookie", cookieOpts: { path: "/", httpOnly: true, sameSite: "lax", secure: keys.secure } });
  await registerAuthRoutes(http, { logins: webLogins(env), keys, baseUrl: () => forms.baseUrl, simulator: simulatorEnabled(env), now: deps.now, log: deps.log });
  await registerDashboardRoutes(http, { db: deps.db, forms, keys, now: deps.now, log: deps.log, sink: deps.sink, resultOf: deps.resultOf });
}

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
import { organisations, type OrgConfig } from "../config/orgs.ts";
import type { Logger } from "../config/logger.ts";
import type { Db } from "../db/client.ts";
import { registerAuthRoutes } from "../web/auth/routes.ts";
import { sessionKeys } from "../web/auth/session.ts";
import { registerDashboardRoutes } from "../web/dashboard/routes.ts";

/** Each organisation's sign-ins (config/orgs.ts), WeCom's first: the user ids they return are qualified by web/auth/routes.ts. */
export function webLogins(env: Env): WebLogin[] {
  const orgs = organisations(env);
  const named = (o: OrgConfig, login: WebLogin): WebLogin => Object.assign(login, { org: o.key, ...(o.name ? { orgName: o.name } : {}) });
  // 网页授权 needs a self-built app (corp id, its secret and agent id); the 智能机器人 has none.
  const wecom = orgs.flatMap((o) =>
    o.wecomApp ? [named(o, wecomWebLogin({ corpId: o.wecomApp.corpId, agentId: o.wecomApp.agentId, secret: o.wecomApp.secret, apiBase: o.wecomApp.apiBase, oauthBase: env.WECOM_OAUTH_BASE }))] : [],
  );
  const dingtalk = orgs.flatMap((o) =>
    o.dingtalk
      ? [
          named(
            o,
            dingtalkWebLogin({ clientId: o.dingtalk.clientId, clientSecret: o.dingtalk.clientSecret, apiBase: o.dingtalk.apiBase, oapiBase: o.dingtalk.oapiBase, loginBase: env.DINGTALK_LOGIN_BASE }),
          ),
        ]
      : [],
  );
  return [...wecom, ...dingtalk];
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

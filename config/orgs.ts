/**
 * Every organisation this deployment serves, with the deployment-wide settings filled in: the
 * single-org variables as `default` (when set), then the ORGANISATIONS entries in their order.
 */
import type { Env } from "./env.ts";
import { LEGACY_ORG } from "./org-schema.ts";

export interface OrgConfig {
  key: string;
  name?: string;
  wecomBot?: { botId: string; secret: string; wsUrl: string };
  wecomApp?: { corpId: string; token: string; aesKey: string; secret: string; agentId: number; apiBase: string };
  dingtalk?: {
    clientId: string;
    clientSecret: string;
    robotCode: string;
    mode: "stream" | "http";
    apiBase: string;
    oapiBase: string;
    gatewayUrl: string;
    cardRouteKey?: string;
  };
}

function legacyOrg(env: Env): OrgConfig | undefined {
  const org: OrgConfig = { key: LEGACY_ORG };
  if (env.WECOM_BOT_ID && env.WECOM_BOT_SECRET) org.wecomBot = { botId: env.WECOM_BOT_ID, secret: env.WECOM_BOT_SECRET, wsUrl: env.WECOM_WS_URL };
  if (env.WECOM_CORP_ID && env.WECOM_APP_TOKEN && env.WECOM_APP_AES_KEY && env.WECOM_APP_SECRET && env.WECOM_AGENT_ID)
    org.wecomApp = { corpId: env.WECOM_CORP_ID, token: env.WECOM_APP_TOKEN, aesKey: env.WECOM_APP_AES_KEY, secret: env.WECOM_APP_SECRET, agentId: env.WECOM_AGENT_ID, apiBase: env.WECOM_API_BASE };
  if (env.DINGTALK_CLIENT_ID && env.DINGTALK_CLIENT_SECRET)
    org.dingtalk = {
      clientId: env.DINGTALK_CLIENT_ID,
      clientSecret: env.DINGTALK_CLIENT_SECRET,
      robotCode: env.DINGTALK_ROBOT_CODE ?? env.DINGTALK_CLIENT_ID,
      mode: env.DINGTALK_MODE,
      apiBase: env.DINGTALK_API_BASE,
      oapiBase: env.DINGTALK_OAPI_BASE,
      gatewayUrl: env.DINGTALK_GATEWAY_URL ?? `${env.DINGTALK_API_BASE}/v1.0/gateway/connections/open`,
      ...(env.DINGTALK_CARD_ROUTE_KEY ? { cardRouteKey: env.DINGTALK_CARD_ROUTE_KEY } : {}),
    };
  return org.wecomBot || org.wecomApp || org.dingtalk ? org : undefined;
}

export function organisations(env: Env): OrgConfig[] {
  const listed = (env.ORGANISATIONS ?? []).map((o): OrgConfig => {
    const d = o.dingtalk;
    const apiBase = d?.apiBase ?? env.DINGTALK_API_BASE;
    return {
      key: o.key,
      ...(o.name ? { name: o.name } : {}),
      ...(o.wecomBot ? { wecomBot: { ...o.wecomBot, wsUrl: o.wecomBot.wsUrl ?? env.WECOM_WS_URL } } : {}),
      ...(o.wecomApp ? { wecomApp: { ...o.wecomApp, apiBase: o.wecomApp.apiBase ?? env.WECOM_API_BASE } } : {}),
      ...(d
        ? {
            dingtalk: {
              clientId: d.clientId,
              clientSecret: d.clientSecret,
              robotCode: d.robotCode ?? d.clientId,
              mode: d.mode ?? env.DINGTALK_MODE,
              apiBase,
              oapiBase: d.oapiBase ?? env.DINGTALK_OAPI_BASE,
              gatewayUrl: d.gatewayUrl ?? `${apiBase}/v1.0/gateway/connections/open`,
              ...(d.cardRouteKey ? { cardRouteKey: d.cardRouteKey } : {}),
            },
          }
        : {}),
    };
  });
  const legacy = legacyOrg(env);
  return legacy ? [legacy, ...listed] : listed;
}

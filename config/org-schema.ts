/**
 * The organisations one deployment serves (messages/orgs.ts): the single-org variables
 * (WECOM_BOT_ID, WECOM_CORP_ID, DINGTALK_CLIENT_ID, …) are the organisation `default`, and
 * ORGANISATIONS (or ORGANISATIONS_FILE, since it holds secrets) lists more as JSON:
 *   [{"key":"yulin","name":"榆林市","wecomBot":{"botId":"…","secret":"…"},"dingtalk":{"clientId":"…","clientSecret":"…"}}]
 * Checked at boot with the rest of the environment; messages name the entry and field, never a value.
 */
import { z } from "zod";
import { LEGACY_ORG, ORG_KEY_PATTERN } from "../messages/orgs.ts";

const text = z.string().trim().min(1, "不能为空");

const wecomBot = z.strictObject({ botId: text, secret: text, wsUrl: z.string().url().optional() });
const wecomApp = z.strictObject({
  corpId: text,
  token: text,
  aesKey: z.string().regex(/^[A-Za-z0-9+/]{43}$/, "EncodingAESKey 应为43位字母数字"),
  secret: text,
  agentId: z.number().int().positive(),
  apiBase: z.string().url().optional(),
});
const dingtalk = z.strictObject({
  clientId: text,
  clientSecret: text,
  robotCode: text.optional(),
  mode: z.enum(["stream", "http"]).optional(),
  apiBase: z.string().url().optional(),
  oapiBase: z.string().url().optional(),
  gatewayUrl: z.string().url().optional(),
  cardRouteKey: text.optional(),
});

const entry = z
  .strictObject({
    key: z.string().regex(ORG_KEY_PATTERN, "应为1–32位小写字母、数字或连字符，以字母或数字开头，例如 yulin"),
    name: z.string().trim().min(1).max(40).optional(),
    wecomBot: wecomBot.optional(),
    wecomApp: wecomApp.optional(),
    dingtalk: dingtalk.optional(),
  })
  .refine((o) => o.wecomBot || o.wecomApp || o.dingtalk, "至少要有 wecomBot、wecomApp、dingtalk 之一");

export const orgListSchema = z
  .array(entry)
  .min(1, "至少列出一个组织")
  .superRefine((list, ctx) => {
    // One bot or app in two entries would hold two connections that close each other (WeCom) or split its messages (DingTalk).
    const seen = new Set<string>();
    const once = (id: string, path: (string | number)[], what: string) => {
      if (seen.has(id)) ctx.addIssue({ code: "custom", path, message: `${what}重复` });
      seen.add(id);
    };
    list.forEach((o, i) => {
      once(`key:${o.key}`, [i, "key"], `组织代号「${o.key}」`);
      if (o.wecomBot) once(`bot:${o.wecomBot.botId}`, [i, "wecomBot", "botId"], "企业微信智能机器人 botId ");
      if (o.wecomApp) once(`app:${o.wecomApp.corpId}:${o.wecomApp.agentId}`, [i, "wecomApp", "agentId"], "企业微信自建应用（corpId + agentId）");
      if (o.dingtalk) once(`ding:${o.dingtalk.clientId}`, [i, "dingtalk", "clientId"], "钉钉应用 clientId ");
    });
  });
export type OrgEntry = z.infer<typeof orgListSchema>[number];

/**
 * ORGANISATIONS as written: JSON text → entries, or a zod issue per problem. The JSON parser's own
 * message is not passed on: it quotes the text, which holds secrets.
 */
export function parseOrgList(raw: string, ctx: z.RefinementCtx): OrgEntry[] | typeof z.NEVER {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    ctx.addIssue({ code: "custom", message: '不是合法的 JSON (not valid JSON)：应为数组，例如 [{"key":"yulin","wecomBot":{"botId":"…","secret":"…"}}]' });
    return z.NEVER;
  }
  const parsed = orgListSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: issue.path as (string | number)[], message: issue.message });
  return z.NEVER;
}

export { LEGACY_ORG };

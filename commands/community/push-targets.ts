/**
 * /推送群: named group robot webhooks (for groups the bot cannot join), set by an admin.
 * The URL's origin must be the platform's own host: an admin cannot make the bot call
 * arbitrary addresses. The signing secret is stored, never shown again.
 */
import { z } from "zod";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { audit, requireRole } from "../core/support.ts";
import { boundCommand, type BoundContext } from "../core/types.ts";
import { usageText } from "../core/usage.ts";

const EXAMPLES = ["/推送群 添加 成员校教师群 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…", "/推送群 列表", "/推送群 删除 成员校教师群"];
/** Refusals are one line plus this one example (the whole usage is for an empty list and /帮助). */
const EXAMPLE = `例如：${EXAMPLES[0]}`;

const args = z.object({
  action: field(z.enum(["add", "list", "delete"]).optional(), {
    label: "添加|列表|删除",
    keys: [],
    token: "choice",
    choices: { 添加: "add", 设置: "add", 列表: "list", 删除: "delete" },
    placeholder: "添加|列表|删除",
    verbs: { add: [{ args: "名称 Webhook地址 [加签密钥SEC…]" }], list: [], delete: [{ args: "名称" }] },
  }),
  text: field(z.string().max(600, "不超过600个字").optional(), { label: "内容", keys: [], token: "rest" }),
});

type Platform = "wecom" | "dingtalk";

/** Which platform's robot a URL is, if it is one on an allowed origin. */
export function webhookPlatform(url: string, origins: Record<Platform, string>): Platform | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const from = (p: Platform) => new URL(origins[p]).origin === u.origin;
  if (from("wecom") && u.pathname === "/cgi-bin/webhook/send" && u.searchParams.get("key")) return "wecom";
  if (from("dingtalk") && u.pathname === "/robot/send" && u.searchParams.get("access_token")) return "dingtalk";
  return undefined;
}

/** Shows where a webhook goes without its key. */
const masked = (url: string) => url.replace(/(key|access_token)=([^&]{4})[^&]*/, "$1=$2…");

async function add(ctx: BoundContext, words: string[]): Promise<string> {
  const [name, url, secret] = words;
  if (!name || !url) throw new UserError(`请写上名称和 Webhook 地址。\n${EXAMPLE}`);
  if (name.length > 30) throw new UserError("名称不超过30个字。");
  const platform = webhookPlatform(url, ctx.settings.webhookOrigins);
  if (!platform) throw new UserError(`「${masked(url)}」不是企业微信群机器人或钉钉自定义机器人的 Webhook 地址。\n${EXAMPLE}`);
  if (secret !== undefined && (platform !== "dingtalk" || !/^SEC[0-9a-f]{20,}$/i.test(secret))) {
    throw new UserError("加签密钥只用于钉钉机器人，以 SEC 开头（在机器人安全设置里复制）。");
  }
  // Added in a group on the same platform: it is that group's own robot (the quota fallback).
  const chatId = ctx.message.chatType === "group" && ctx.message.platform === platform ? ctx.message.chatId : null;
  const data = { platform, url, secret: secret ?? null, chatId, createdById: ctx.member.id };
  const row = await ctx.db.pushTarget.upsert({
    where: { communityId_name: { communityId: ctx.community.id, name } },
    create: { communityId: ctx.community.id, name, ...data },
    update: data,
  });
  await audit(ctx, "set", "pushTarget", row.id, null, { name, platform, url: masked(url), signed: secret !== undefined });
  const tip = secret !== undefined && ctx.message.chatType === "group" ? "\n密钥已保存。为安全起见，请撤回刚才那条含密钥的群消息（以后可在与我的单聊里设置）。" : "";
  return `已设置推送群「${name}」（${platform === "wecom" ? "企业微信" : "钉钉"}）。发送 /通知 ${name} 内容 即可推送，每个机器人每分钟最多20条，超出的会稍后发送，不会丢。${tip}`;
}

export const pushTargetCommand = boundCommand({
  name: "推送群",
  aliases: ["webhook", "群机器人"],
  summary: "管理推送群（机器人进不去的群，用群机器人 Webhook 推送）：添加、列表、删除（管理员）",
  examples: EXAMPLES,
  args,
  async run(ctx, { action, text }) {
    requireRole(ctx, ["admin"], "管理推送群");
    const words = (text ?? "").split(/\s+/).filter(Boolean);
    switch (action) {
      case "add":
        return add(ctx, words);
      case "delete":
        return remove(ctx, words[0]);
      case "list":
        return list(ctx);
      case undefined:
        if (words[0] !== undefined) throw new UserError(`没看懂「${words[0]}」：可以添加、列表、删除。\n${EXAMPLE}`);
        return list(ctx);
    }
  },
});

async function list(ctx: BoundContext): Promise<string> {
  const rows = await ctx.db.pushTarget.findMany({ where: { communityId: ctx.community.id }, orderBy: { name: "asc" } });
  if (rows.length === 0) return `还没有推送群。\n${usageText({ name: "推送群", args })}\n${EXAMPLE}`;
  return ["推送群：", ...rows.map((r) => `· ${r.name}（${r.platform === "wecom" ? "企业微信" : "钉钉"}）${masked(r.url)}${r.secret ? " 已加签" : ""}`)].join("\n");
}

async function remove(ctx: BoundContext, name: string | undefined): Promise<string> {
  if (!name) throw new UserError("请写上要删除的推送群名称。例如：/推送群 删除 成员校教师群");
  const row = await ctx.db.pushTarget.findUnique({ where: { communityId_name: { communityId: ctx.community.id, name } } });
  if (!row) throw new UserError(`没有名为「${name}」的推送群。发送 /推送群 列表 查看。`);
  await ctx.db.pushTarget.delete({ where: { id: row.id } });
  await audit(ctx, "delete", "pushTarget", row.id, { name }, null);
  return `已删除推送群「${name}」。`;
}

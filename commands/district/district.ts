/**
 * Districts (区县教育局): a bureau's admin creates one and hands its join code to community
 * admins, who join with it; the bureau then sees its communities' figures and ledger. A district
 * admin sees only communities that joined; a community admin sees nothing of other communities.
 */
import { createHash, randomInt, timingSafeEqual } from "node:crypto";
import { DateTime } from "luxon";
import { z } from "zod";
import { todayIn } from "../../core/dates.ts";
import { composeDistrictDigest, DISTRICT_TIMEZONE } from "../../core/digest/district.ts";
import { loadDistrictDigestInput } from "../../db/district-digest-input.ts";
import { defaultTermFor } from "../../core/terms.ts";
import { districtsAdministeredBy } from "../../db/districts.ts";
import { districtStandings, type DistrictStanding } from "../../db/district-standing.ts";
import { downloadLink } from "../links/index.ts";
import { signInOf } from "../core/form-link.ts";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { audit } from "../core/support.ts";
import { openCommand, type BoundContext, type CommandContext } from "../core/types.ts";

const ACTIONS = { 创建: "create", 绑定: "join", 加入: "join", 退出: "leave", 进度: "progress", 导出: "export", 周报: "digest" } as const;
// No 0/O/1/I: codes are read aloud and typed on phones.
const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const newCode = () => Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");

/** Constant time for any input: both sides hashed to 32 bytes first (an "é" upper-cased is two bytes, so raw buffers of equal-length strings can differ in length). */
const codeDigest = (s: string) => createHash("sha256").update(s.toUpperCase()).digest();
const sameCode = (a: string, b: string) => timingSafeEqual(codeDigest(a), codeDigest(b));

function asCommunityAdmin(ctx: CommandContext): BoundContext {
  if (!ctx.community || !ctx.member) throw new UserError("请在已绑定共同体的群里发送。例如：/区县 绑定 安川县教育局 ABCD2345");
  if (!ctx.member.roles.includes("admin")) throw new UserError("只有共同体管理员可以加入或退出区县。");
  return ctx as BoundContext;
}

async function create(ctx: CommandContext, name: string | undefined): Promise<string> {
  if (ctx.message.chatType !== "direct") throw new UserError("为保护加入码，请与我单聊发送：/区县 创建 区县名称");
  if (!name || name.length < 2 || name.length > 40) throw new UserError("请写区县名称（2–40字）。例如：/区县 创建 安川县教育局");
  const { platform, senderId, senderName } = ctx.message;
  const existing = await ctx.db.district.findUnique({ where: { name }, include: { admins: true } });
  if (existing && !existing.admins.some((a) => a.platform === platform && a.userId === senderId)) throw new UserError(`「${name}」已经创建过了，请联系它的管理员。`);
  const district =
    existing ??
    (await ctx.db.district.create({
      data: { name, joinCode: newCode(), createdAt: ctx.now, admins: { create: { platform, userId: senderId, displayName: senderName || senderId, createdAt: ctx.now } } },
    }));
  return [
    `${existing ? "你已是" : "已创建"}「${district.name}」${existing ? "的管理员" : "，你是管理员"}。加入码：${district.joinCode}`,
    `请把加入码告诉各共同体管理员，让他们在本共同体的群里发送：/区县 绑定 ${district.name} ${district.joinCode}`,
    "之后在这里发送 /区县 进度 查看各共同体，/区县 导出 台账 下载汇总台账。",
  ].join("\n");
}

async function join(ctx: CommandContext, name: string | undefined, code: string | undefined): Promise<string> {
  const b = asCommunityAdmin(ctx);
  if (!name || !code) throw new UserError("请写区县名称和加入码。例如：/区县 绑定 安川县教育局 ABCD2345（加入码向区县管理员索取）");
  const district = await ctx.db.district.findUnique({ where: { name } });
  if (!district || !sameCode(district.joinCode, code)) throw new UserError("区县名称或加入码不对，请向区县管理员核对。例如：/区县 绑定 安川县教育局 ABCD2345");
  await ctx.db.community.update({ where: { id: b.community.id }, data: { districtId: district.id } });
  await audit(b, "join", "district", district.id, null, { name: district.name });
  return `「${b.community.name}」已加入「${district.name}」：区县管理员可以看到本共同体的进度并导出台账。退出请发送 /区县 退出`;
}

async function leave(ctx: CommandContext): Promise<string> {
  const b = asCommunityAdmin(ctx);
  const row = await ctx.db.community.findUniqueOrThrow({ where: { id: b.community.id }, include: { district: true } });
  if (!row.district) return "本共同体没有加入任何区县。";
  await ctx.db.community.update({ where: { id: row.id }, data: { districtId: null } });
  await audit(b, "leave", "district", row.district.id, { name: row.district.name }, null);
  return `已退出「${row.district.name}」，区县管理员从此看不到本共同体。`;
}

async function myDistrict(ctx: CommandContext, name: string | undefined) {
  const mine = await districtsAdministeredBy(ctx.db, ctx.message.platform, ctx.message.senderId);
  if (mine.length === 0) throw new UserError("你还不是任何区县的管理员。区县教育局可与我单聊发送：/区县 创建 区县名称");
  // Every community's figures, links and the join code: never into a group (a community's
  // members must not see other communities), only the bureau admin's own chat with the bot.
  if (ctx.message.chatType !== "direct") throw new UserError("区县的数据只在与我的单聊里查看，请私聊我发送，例如：/区县 进度");
  const chosen = name ? mine.find((m) => m.district.name === name) : mine[0];
  if (!chosen) throw new UserError(`你不是「${name}」的管理员。你管理的是：${mine.map((m) => m.district.name).join("、")}`);
  return chosen;
}

const termNow = (ctx: CommandContext) => defaultTermFor(todayIn(ctx.now, "Asia/Shanghai"));

async function progress(ctx: CommandContext, name: string | undefined): Promise<string> {
  const { district } = await myDistrict(ctx, name);
  const term = termNow(ctx);
  const rows = await districtStandings(ctx.db, district.id, { from: term.start, to: term.end }, ctx.now);
  if (rows.length === 0) return `「${district.name}」还没有共同体加入。请把加入码 ${district.joinCode} 告诉各共同体管理员。`;
  const quiet = rows.filter((r) => r.activities === 0).length;
  // Furthest behind first: the bureau's attention goes where bundled assessment is at risk.
  const order = (r: DistrictStanding) => (r.total ? r.met / r.total : 1);
  return [
    `🏫 ${district.name} ${term.name}：${rows.length} 个共同体，${rows.reduce((n, r) => n + r.activities, 0)} 次活动${quiet ? `，${quiet} 个还没有活动` : ""}`,
    ...[...rows].sort((a, b) => order(a) - order(b) || a.activities - b.activities).map(standingLine),
  ].join("\n");
}

function standingLine(r: DistrictStanding): string {
  const meeting = r.nextMeeting ? DateTime.fromJSDate(r.nextMeeting, { zone: "Asia/Shanghai" }).toFormat("M月d日") : "未安排";
  const lag = r.holdingBack ? `，拖后腿：${r.holdingBack}` : "";
  return `${r.met < r.total ? "⚠️" : "✅"}${r.name}：目标 ${r.met}/${r.total}${lag}；${r.activities}次活动，最近 ${r.lastActivity ?? "无"}；下次联席会议 ${meeting}`;
}

/** The district digest on demand: the same text the Monday push sends. */
async function digestNow(ctx: CommandContext, name: string | undefined): Promise<string> {
  const { district } = await myDistrict(ctx, name);
  const today = todayIn(ctx.now, DISTRICT_TIMEZONE);
  const input = await loadDistrictDigestInput(ctx.db, district, defaultTermFor(today), today, DISTRICT_TIMEZONE, ctx.now);
  return composeDistrictDigest(input, ctx.now)
    .map((s) => s.join("\n"))
    .join("\n\n");
}

async function exportLedger(ctx: CommandContext, name: string | undefined) {
  const admin = await myDistrict(ctx, name);
  const term = termNow(ctx);
  // Only ever 1:1 (district data stays out of groups). On a platform with web sign-in the workbook's photo links open only signed in (`sp`).
  const { url, hours } = downloadLink(ctx.settings.forms, { w: "district", d: admin.districtId, a: admin.id, f: term.start, t: term.end, ...signInOf(ctx) }, ctx.now);
  const text = [`📎 ${admin.district.name} ${term.name}汇总台账（Excel，每个共同体一页）：`, url, `链接${hours}小时内有效，打开即可下载，请勿转发。`].join("\n");
  return [{ text, link: { label: "下载汇总台账", url }, file: { url, label: "汇总台账（Excel）" } }];
}

export const districtCommand = openCommand({
  name: "区县",
  aliases: ["district"],
  summary: "区县教育局查看所辖共同体：创建、绑定（加入）、退出、进度、导出台账、周报（每周一 8:30 自动私聊发送）",
  examples: ["/区县 创建 安川县教育局", "/区县 绑定 安川县教育局 ABCD2345", "/区县 进度", "/区县 导出 台账", "/区县 周报"],
  args: z.object({
    action: field(z.enum(["create", "join", "leave", "progress", "export", "digest"]).optional(), {
      label: "创建|绑定|退出|进度|导出|周报",
      keys: ["操作"],
      token: "choice",
      choices: ACTIONS,
      required: true,
      placeholder: "创建|绑定|退出|进度|导出|周报",
    }),
    words: field(z.array(z.string().max(60)).max(4).optional(), { label: "名称", keys: ["名称"], token: "text", multiple: true }),
  }),
  async run(ctx, { action, words = [] }) {
    const [first, second] = words;
    switch (action) {
      case "create":
        return create(ctx, first);
      case "join":
        return join(ctx, first, second);
      case "leave":
        return leave(ctx);
      case "progress":
        return progress(ctx, first);
      case "export":
        return exportLedger(ctx, first === "台账" ? second : first);
      case "digest":
        return digestNow(ctx, first);
      default:
        throw new UserError("要做什么？例如：/区县 创建 安川县教育局、/区县 进度、/区县 导出 台账");
    }
  },
});

/**
 * Placeholders and how their person claims them. A member an admin named (/成员 王芳 二小 校长)
 * before 王芳 ever spoke has no platform account, so its roles reach nobody: display names are
 * anyone's to choose, and the first account calling itself 王芳 must not become the principal.
 * The admin asks for a claim code 1:1 and hands it to 王芳 in person; 王芳 sends it to the bot 1:1
 * from her own account, which then becomes that member (her earlier messages come along).
 */
import { randomInt } from "node:crypto";
import { z } from "zod";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { requireRole } from "../core/support.ts";
import { boundCommand, openCommand } from "../core/types.ts";
import { mergeMemberInto } from "./link.ts";

const CLAIM_TTL_MS = 7 * 24 * 3_600_000;
// No 0/O/1/I: read aloud and typed on phones. 32^8 ≈ 10^12, so guessing needs no attempt limit.
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const newCode = () => Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");

/** What a role given to a placeholder means, said where it is given. */
export const placeholderNote = (name: string) =>
  `「${name}」还没有在群里发过言，也没有指明账号，这个角色在本人认领前不生效（显示名谁都可以改，不能凭名字认人）。可以：在群里 @${name} 重新设置；或等本人发言后再发一次这条命令；或管理员与我单聊发送 /认领码 ${name}，把认领码交给本人，由本人与我单聊发送 /认领 认领码。`;

export const claimCodeCommand = boundCommand({
  name: "认领码",
  aliases: ["claimcode"],
  summary: "管理员获取某位尚未认领账号的成员的认领码（只在单聊中发放，7天有效、一次性）",
  examples: ["/认领码 王芳"],
  args: z.object({ name: field(z.string().min(1).max(30).optional(), { label: "姓名", keys: ["姓名"], token: "text", required: true, ask: "请问是哪位成员？回复姓名" }) }),
  async run(ctx, { name }) {
    requireRole(ctx, ["admin"], "发放认领码");
    if (ctx.message.chatType !== "direct") throw new UserError(`认领码只在单聊中发放，请与我单聊发送 /认领码 ${name ?? "姓名"}。`);
    if (!name) throw new UserError("请写上成员姓名。例如：/认领码 王芳");
    const placeholders = await ctx.db.member.findMany({ where: { communityId: ctx.community.id, displayName: name, identities: { none: {} }, erasedAt: null } });
    if (placeholders.length === 0) throw new UserError(`没有尚未认领的成员「${name}」。已经在群里发过言的成员不需要认领。`);
    if (placeholders.length > 1) throw new UserError(`有 ${placeholders.length} 位尚未认领的「${name}」，请先用 /成员 给其中一位改名区分。`);
    const member = placeholders[0]!;
    await ctx.db.memberClaim.deleteMany({ where: { OR: [{ memberId: member.id }, { expiresAt: { lt: ctx.now } }] } });
    let code = newCode();
    while (await ctx.db.memberClaim.findUnique({ where: { code } })) code = newCode();
    await ctx.db.memberClaim.create({ data: { code, communityId: ctx.community.id, memberId: member.id, expiresAt: new Date(ctx.now.getTime() + CLAIM_TTL_MS) } });
    return `「${name}」的认领码：${code}（7天内有效，只能用一次）。\n请当面或私下交给本人，由本人用自己的账号与我单聊发送：/认领 ${code}`;
  },
});

export const claimCommand = openCommand({
  name: "认领",
  aliases: ["claim"],
  summary: "用管理员给的认领码认领自己的成员身份（单聊）",
  examples: ["/认领 ABCD2345"],
  args: z.object({ code: field(z.string().max(20).optional(), { label: "认领码", keys: ["认领码"], token: "text", required: true, ask: "请回复管理员给你的认领码" }) }),
  async run(ctx, { code }) {
    if (ctx.message.chatType !== "direct") throw new UserError("请与我单聊发送 /认领 认领码，认领码不要发在群里。");
    const row = code ? await ctx.db.memberClaim.findUnique({ where: { code: code.trim().toUpperCase() }, include: { member: true, community: true } }) : null;
    if (!row || row.expiresAt < ctx.now) throw new UserError("认领码不对或已过期（7天内有效）。请向管理员重新索取。例如：/认领 ABCD2345");
    const { platform, senderId } = ctx.message;
    const identity = await ctx.db.platformIdentity.findUnique({ where: { communityId_platform_userId: { communityId: row.communityId, platform, userId: senderId } }, include: { member: true } });
    await ctx.db.memberClaim.delete({ where: { id: row.id } });
    const target = row.member;
    if (identity?.memberId === target.id) return `你已经是「${row.community.name}」的成员「${target.displayName}」。`;
    if (identity) {
      // This account spoke before as a member of its own: that member (and its records) becomes the claimed one.
      await mergeMemberInto(ctx.db, row.communityId, identity.member, target, `你的账号与「${target.displayName}」有相同的师徒结对，请管理员先处理重复的结对。`);
    } else {
      await ctx.db.platformIdentity.create({ data: { communityId: row.communityId, platform, userId: senderId, memberId: target.id } });
    }
    await ctx.db.auditLog.create({ data: { communityId: row.communityId, actorId: target.id, action: "claim", entity: "member", entityId: target.id, at: ctx.now, after: { platform } } });
    return `已认领：这个账号现在是「${row.community.name}」的成员「${target.displayName}」，管理员设置的学校和角色从现在起生效。`;
  },
});

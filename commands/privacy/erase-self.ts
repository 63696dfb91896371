/**
 * /注销: a person deletes what the bot keeps about them (PIPL 第47条), in every community their
 * platform account belongs to. Only in a 1:1 chat (a group would see the exchange), and only
 * after a second message confirms it. Their activities stay, as 已注销成员 (db/privacy/erase.ts).
 */
import { z } from "zod";
import { eraseDistrictRoles, eraseMember } from "../../db/privacy/erase.ts";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { openCommand } from "../core/types.ts";
import { refuseIfSoleAdmin } from "./erasure-rules.ts";

const CONFIRM = "确认";

export const eraseSelfCommand = openCommand({
  name: "注销",
  aliases: ["erase", "注销账号", "删除我的数据"],
  summary: "在单聊中删除助手保存的你的个人信息；你登记的活动保留，署名改为「已注销成员」",
  examples: ["/注销", "/注销 确认"],
  args: z.object({
    confirm: field(z.string().max(50, "只写「确认」").optional(), { label: "确认", keys: [], token: "rest" }),
  }),
  // The confirming message is not stored: its key is the 1:1 chat, i.e. the person's user id.
  keepsNoMessage: true,
  async run(ctx, { confirm }) {
    const { platform, senderId: userId, chatType } = ctx.message;
    if (chatType !== "direct") throw new UserError("请在和我的单聊中发送 /注销（群里的消息大家都看得到）。例如：私聊我发送 /注销");
    const members = await ctx.db.member.findMany({ where: { identities: { some: { platform, userId } } }, include: { community: { select: { name: true } } }, orderBy: { id: "asc" } });
    const districtRoles = await ctx.db.districtAdmin.count({ where: { platform, userId } });
    if (members.length === 0 && districtRoles === 0) return "助手没有保存你的个人信息，不需要注销。";
    const where = [...members.map((m) => `「${m.community.name}」`), ...(districtRoles > 0 ? [`${districtRoles} 个区县的管理员身份`] : [])].join("、");
    if (confirm === undefined || confirm.trim() === "") {
      return [
        `将删除你在${where}的个人信息：`,
        "· 平台账号、姓名和角色",
        "· 你发给助手的消息和助手的回复、还没回答的问题",
        "· 发给你的推送记录",
        "你登记的活动保留，署名改为「已注销成员」，共同体的统计不变。删除后不能恢复；如需副本，请先发送 /我的数据。",
        `确认删除请发送：/注销 ${CONFIRM}`,
      ].join("\n");
    }
    if (confirm.trim() !== CONFIRM) throw new UserError(`没有删除。要删除请发送：/注销 ${CONFIRM}`);
    for (const m of members) await refuseIfSoleAdmin(ctx.db, m, m.community.name, "你");
    for (const m of members) await eraseMember(ctx.db, { communityId: m.communityId, memberId: m.id }, null, ctx.now);
    await eraseDistrictRoles(ctx.db, platform, userId);
    await ctx.db.pendingQuestion.deleteMany({ where: { platform, userId } });
    return `✅ 已删除你在${where}的个人信息。你登记的活动保留为「已注销成员」。以后再给助手发命令，会作为新成员重新登记。`;
  },
});

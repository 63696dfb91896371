/**
 * /删除成员 <姓名>: an admin deletes a member's personal data (a teacher who left, or one who
 * asked the admin rather than the bot). Same effect as the person's own /注销 in this community;
 * confirmed by a second message. The final reply does not repeat the name: it is stored with
 * the message, after the name was removed everywhere else.
 */
import { z } from "zod";
import { eraseMember } from "../../db/privacy/erase.ts";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { requireRole } from "../core/support.ts";
import { boundCommand } from "../core/types.ts";
import { refuseIfSoleAdmin } from "./erasure-rules.ts";

const CONFIRM = "确认";

export const deleteMemberCommand = boundCommand({
  name: "删除成员",
  aliases: ["deletemember", "移除成员"],
  summary: "删除一位成员的个人信息（管理员）；其登记的活动保留，署名改为「已注销成员」",
  examples: ["/删除成员 张三", "/删除成员 张三 确认"],
  args: z.object({
    text: field(z.string().max(80, "姓名不超过30个字").optional(), { label: "姓名", keys: [], token: "rest" }),
  }),
  async run(ctx, { text }) {
    requireRole(ctx, ["admin"], "删除成员");
    const words = (text ?? "").split(/\s+/).filter(Boolean);
    const confirmed = words.length > 1 && words[words.length - 1] === CONFIRM;
    const name = (confirmed ? words.slice(0, -1) : words).join(" ");
    if (name === "") throw new UserError("请写上成员姓名。例如：/删除成员 张三");
    if ([...name].length > 30) throw new UserError("姓名不超过30个字。例如：/删除成员 张三");
    const found = await ctx.db.member.findMany({ where: { communityId: ctx.community.id, displayName: name, erasedAt: null } });
    if (found.length === 0) throw new UserError(`本共同体没有叫「${name}」的成员。例如：/删除成员 张三`);
    if (found.length > 1) throw new UserError(`本共同体有 ${found.length} 位「${name}」，请先用 /成员 给其中一位改名区分，再删除。`);
    const member = found[0] as (typeof found)[number];
    if (member.id === ctx.member.id) throw new UserError("要删除自己的信息，请在和我的单聊中发送 /注销。");
    await refuseIfSoleAdmin(ctx.db, member, ctx.community.name, "该成员");
    if (!confirmed) {
      return [
        `将删除「${name}」在本共同体的个人信息：平台账号、姓名、角色、发给助手的消息、推送记录。`,
        "其登记的活动保留，署名改为「已注销成员」，统计不变。删除后不能恢复。",
        `确认删除请发送：/删除成员 ${name} ${CONFIRM}`,
      ].join("\n");
    }
    await eraseMember(ctx.db, { communityId: ctx.community.id, memberId: member.id }, ctx.member.id, ctx.now);
    return "✅ 已删除该成员的个人信息；其登记的活动保留为「已注销成员」。";
  },
});

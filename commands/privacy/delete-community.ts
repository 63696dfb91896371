/**
 * /删除共同体: an admin deletes the whole community, files included (its records, members,
 * groups, photos: nothing is kept). Three messages: the first explains and offers the exports,
 * the second names the community in full, the third repeats a code the second one answered
 * with. The code is derived from the community and the day, so nothing needs to be stored
 * between the steps and a code from yesterday (or another community) does not work.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { todayIn } from "../../core/dates.ts";
import { eraseCommunity } from "../../db/privacy/erase.ts";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { requireRole } from "../core/support.ts";
import { boundCommand, type BoundContext } from "../core/types.ts";

export function deletionCode(communityId: number, communityName: string, day: string): string {
  const digest = createHash("sha256").update(`${communityId}\u0000${communityName}\u0000${day}`).digest();
  return String(digest.readUInt32BE(0) % 1_000_000).padStart(6, "0");
}

const codeOf = (ctx: BoundContext) => deletionCode(ctx.community.id, ctx.community.name, todayIn(ctx.now, ctx.community.timezone));

export const deleteCommunityCommand = boundCommand({
  name: "删除共同体",
  aliases: ["deletecommunity"],
  summary: "删除整个共同体的全部数据，含照片（管理员；先提示导出，再确认两次）",
  examples: ["/删除共同体"],
  args: z.object({
    text: field(z.string().max(200, "太长了").optional(), { label: "共同体名称", keys: [], token: "rest" }),
  }),
  keepsNoMessage: true,
  async run(ctx, { text }) {
    requireRole(ctx, ["admin"], "删除共同体");
    const name = ctx.community.name;
    const typed = (text ?? "").trim();
    if (typed === "") {
      return [
        `⚠️ 将删除「${name}」的全部数据：所有活动记录和照片、学校、成员、结对、目标、会议、推送记录，以及绑定的群。删除后不能恢复。`,
        "删除前请先导出保存：/导出 台账 本学期、/导出 总结 本学期（或写起止日期，如 /导出 台账 2026-09-01 2027-01-31）。",
        `第一次确认：发送 /删除共同体 ${name}`,
      ].join("\n");
    }
    const code = codeOf(ctx);
    if (typed === name) return `第二次确认：今天内发送 /删除共同体 ${name} ${code}\n（发送后立即删除，不能恢复。）`;
    if (!typed.startsWith(name)) throw new UserError(`共同体名称不对，什么也没有删除。请完整写上本共同体的名称，例如：/删除共同体 ${name}`);
    if (typed.slice(name.length).trim() !== code) throw new UserError(`确认码不对或已过期，什么也没有删除。请重新发送 /删除共同体 ${name} 获取确认码。`);
    await eraseCommunity(ctx.db, ctx.community.id);
    return `✅ 已删除共同体「${name}」的全部数据，本群已解除绑定。`;
  },
});

/** Finding a record by its number and deciding who may change it. */
import { UserError } from "../core/errors.ts";
import type { BoundContext } from "../core/types.ts";

const EDIT_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** This community's record with that number, not revoked (`revokedText` says why that matters). */
export async function liveActivity(ctx: BoundContext, number: number, revokedText = "已撤销。") {
  const activity = await ctx.db.activity.findUnique({ where: { communityId_number: { communityId: ctx.community.id, number } } });
  if (!activity) throw new UserError(`本共同体没有编号为 #${number} 的记录。发送 /列表 查看记录编号。`);
  if (activity.revokedAt) throw new UserError(`记录 #${number} ${revokedText}`);
  return activity;
}

/** The record, if it belongs to this community and the sender may change it (recorder within 7 days, or an admin). */
export async function editableActivity(ctx: BoundContext, number: number, verb: "修改" | "撤销" = "修改") {
  const activity = await liveActivity(ctx, number);
  const isAdmin = ctx.member.roles.includes("admin");
  const isRecorder = activity.recorderId === ctx.member.id;
  if (isAdmin) return activity;
  if (!isRecorder) throw new UserError(`记录 #${number} 不是你登记的，只有登记人（7天内）或管理员可以${verb}。`);
  if (ctx.now.getTime() - activity.createdAt.getTime() > EDIT_WINDOW_MS) {
    throw new UserError(`记录 #${number} 登记已超过7天，请联系管理员${verb}。`);
  }
  return activity;
}

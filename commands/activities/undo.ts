import { z } from "zod";
import { editableActivity } from "./activity-access.ts";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { audit } from "../core/support.ts";
import { boundCommand } from "../core/types.ts";
import { toDay } from "../../core/dates.ts";

export const undoCommand = boundCommand({
  name: "撤销",
  aliases: ["undo", "删除", "作废"],
  summary: "撤销一条记录（登记人7天内，或管理员）；撤销的记录不计入进度，但留有审计记录",
  examples: ["/撤销 12"],
  args: z.object({
    number: field(z.number().int().optional(), { label: "编号", keys: ["编号"], token: "int", required: true, ask: "请问要撤销哪条记录？回复编号，例如：12", placeholder: "编号" }),
  }),
  async run(ctx, { number }) {
    if (number === undefined) throw new UserError("请写上记录编号。");
    const activity = await editableActivity(ctx, number, "撤销");
    await ctx.db.activity.update({ where: { id: activity.id }, data: { revokedAt: ctx.now, updatedAt: ctx.now } });
    await audit(ctx, "revoke", "activity", activity.id, { number, kind: activity.kind, date: toDay(activity.date) }, { revokedAt: ctx.now.toISOString() });
    return `🗑️ 已撤销 #${number}（${activity.kind} ${toDay(activity.date)}）。`;
  },
});

/** /完成 <编号>: marks an action item from the minutes done (it leaves the reminders). */
import { z } from "zod";
import { itemLine } from "../../core/meetings/compose.ts";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { audit } from "../core/support.ts";
import { boundCommand } from "../core/types.ts";
import { toDay } from "../../core/dates.ts";

export const doneCommand = boundCommand({
  name: "完成",
  aliases: ["done", "已完成"],
  summary: "把会议纪要里的一项待办标为完成",
  examples: ["/完成 3"],
  args: z.object({
    number: field(z.number().int().min(1, "应为正整数").max(1_000_000_000, "太大了").optional(), { label: "待办编号", keys: ["编号"], token: "int", required: true }),
  }),
  async run(ctx, { number }) {
    if (number === undefined) throw new UserError("请写上待办编号。例如：/完成 3（编号见会议提醒里的待办列表）");
    const item = await ctx.db.actionItem.findUnique({ where: { communityId_number: { communityId: ctx.community.id, number } } });
    if (!item) throw new UserError(`没有编号为 ${number} 的待办。例如：/完成 3（编号见会议提醒里的待办列表）`);
    const line = itemLine({ number, owner: item.ownerName, task: item.task, due: item.due && toDay(item.due) });
    if (item.doneAt) return `待办 ${line} 已经完成过了。`;
    await ctx.db.actionItem.update({ where: { id: item.id }, data: { doneAt: ctx.now, doneById: ctx.member.id } });
    await audit(ctx, "done", "actionItem", item.id, null, { number });
    return `✅ 已完成待办 ${line}`;
  },
});

import { z } from "zod";
import { liveActivity } from "./activity-access.ts";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { audit } from "../core/support.ts";
import { boundCommand } from "../core/types.ts";
import { toDay } from "../../core/dates.ts";

export const confirmCommand = boundCommand({
  name: "确认",
  aliases: ["confirm", "核对"],
  summary: "确认一条记录无误（记录卡片上的「确认」按钮也是它）；确认过的记录在列表里带 ✔",
  examples: ["/确认 12"],
  args: z.object({
    number: field(z.number().int().optional(), { label: "编号", keys: ["编号"], token: "int", required: true, ask: "请问要确认哪条记录？回复编号，例如：12", placeholder: "编号" }),
  }),
  async run(ctx, { number }) {
    if (number === undefined) throw new UserError("请写上记录编号。");
    const activity = await liveActivity(ctx, number, "已撤销，不能确认。");
    if (activity.confirmedAt) return `记录 #${number} 已确认过（${toDay(activity.confirmedAt)}）。`;
    await ctx.db.activity.update({ where: { id: activity.id }, data: { confirmedAt: ctx.now, confirmedById: ctx.member.id, updatedAt: ctx.now } });
    await audit(ctx, "confirm", "activity", activity.id, null, { confirmedAt: ctx.now.toISOString() });
    return `✔ 已确认 #${number}（${activity.kind} ${toDay(activity.date)}）。`;
  },
});

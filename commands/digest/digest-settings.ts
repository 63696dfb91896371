/** /设置 周报 周一 8:00 (when the weekly digest goes out) and /设置 周报 群 关|开 (the groups' short one). */
import { parseClock } from "../../core/meetings/clock.ts";
import { parseWeekday, WEEKDAY_NAMES } from "../../core/digest/when.ts";
import { UserError } from "../core/errors.ts";
import type { VerbUsage } from "../core/fields.ts";
import { audit, requireRole } from "../core/support.ts";
import type { BoundContext } from "../core/types.ts";

/** The usage lines of /设置 周报 (the sub-verb's entry in /设置's schema). */
export const DIGEST_SETTINGS_VERB: readonly VerbUsage[] = [
  { args: "周一 8:00", does: "周报发送时间" },
  { args: "群 关|开", does: "群里简版" },
];

const EXAMPLE = "例如：/设置 周报 周一 8:00，或 /设置 周报 群 关";

export async function digestSettings(ctx: BoundContext, words: string[]): Promise<string> {
  const id = ctx.community.id;
  const c = await ctx.db.community.findUniqueOrThrow({ where: { id }, select: { digestWeekday: true, digestTime: true, digestGroups: true } });
  if (words.length === 0) {
    return `周报：每${WEEKDAY_NAMES[c.digestWeekday]} ${c.digestTime} 私聊发给各校校长，群里简版${c.digestGroups ? "开" : "关"}。修改${EXAMPLE.slice(2)}`;
  }
  requireRole(ctx, ["admin"], "设置周报");
  if (words[0] === "群") {
    const on = words[1] === "开" || words[1] === "开启" ? true : words[1] === "关" || words[1] === "关闭" ? false : null;
    if (on === null || words.length > 2) throw new UserError(`群里简版只能「开」或「关」。${EXAMPLE}`);
    await ctx.db.community.update({ where: { id }, data: { digestGroups: on } });
    await audit(ctx, "set", "digestGroups", id, { digestGroups: c.digestGroups }, { digestGroups: on });
    return on ? "✅ 周报简版会发到本共同体的各个群。" : "✅ 周报不再发到群里（校长私聊照常）。";
  }
  const weekday = parseWeekday(words[0]!);
  if (weekday === null) throw new UserError(`「${words[0]}」不是星期几。${EXAMPLE}`);
  const clock = parseClock(words.slice(1).join(" "));
  if (!clock.ok || clock.rest.trim() !== "") throw new UserError(`请写上时间。${EXAMPLE}`);
  await ctx.db.community.update({ where: { id }, data: { digestWeekday: weekday, digestTime: clock.time, digestChangedAt: ctx.now } });
  await audit(ctx, "set", "digestSchedule", id, { weekday: c.digestWeekday, time: c.digestTime }, { weekday, time: clock.time });
  return `✅ 周报改为每${WEEKDAY_NAMES[weekday]} ${clock.time}（${ctx.community.timezone}）发出。`;
}

/** /会议: the community's joint meetings (联席会议): rule, one-off meetings, agenda, next three. */
import { z } from "zod";
import { isUserError, UserError } from "../core/errors.ts";
import { localizeExamples } from "../core/examples.ts";
import { field } from "../core/fields.ts";
import { requireRole } from "../core/support.ts";
import { boundCommand, type BoundContext } from "../core/types.ts";
import { arrange, cancel, move, SAME_DAY_CHOICES, setAgenda } from "./edits.ts";
import { nextMeetings, setRule } from "./rule.ts";
import { MEETING_USAGE } from "./usage.ts";

export const meetingCommand = boundCommand({
  name: "会议",
  aliases: ["meeting", "联席会议", "例会"],
  summary: "联席会议：规则、安排、下次、取消、议程、改期（设置类仅管理员）",
  examples: ["/会议 规则 每月第一个周六 9:00 二小会议室", "/会议 下次", "/会议 安排 12月12日 14:00 二小 送课安排", "/会议 议程 12月5日 期末联考安排"],
  args: z.object({
    text: field(z.string().max(600, "不超过600个字").optional(), { label: "内容", keys: [], token: "rest" }),
    // The answer to "that day already has a meeting: move it or add another?" (asked by /会议 安排).
    sameDay: field(z.enum(["move", "add", "no"]).optional(), { label: "当天已有会议", keys: [], token: "choice", choices: SAME_DAY_CHOICES, positional: false, hidden: true }),
    // The answer to "that day has several meetings: which one?" (asked by 改期, 取消, 议程): a time or a number.
    which: field(z.string().max(20, "不超过20个字").optional(), { label: "哪一场", keys: [], token: "text", positional: false, hidden: true }),
  }),
  async run(ctx, { text, sameDay, which }) {
    try {
      return await route(ctx, text, sameDay, which);
    } catch (e) {
      // Examples in refusals name the community's own schools, not the demo's 二小.
      if (isUserError(e)) throw new UserError(localizeExamples(e.userText, ctx.schools), e.ambiguity);
      throw e;
    }
  },
});

async function route(ctx: BoundContext, text: string | undefined, sameDay: "move" | "add" | "no" | undefined, which: string | undefined): Promise<string> {
  const [action, ...words] = (text ?? "").split(/\s+/).filter(Boolean);
  if (action === undefined) return `${await nextMeetings(ctx)}\n\n${MEETING_USAGE}`;
  if (action === "下次" || action === "列表") return nextMeetings(ctx);
  const admin = (what: string) => requireRole(ctx, ["admin"], what);
  switch (action) {
    case "规则":
      admin("设置会议规则");
      return setRule(ctx, words.join(" "));
    case "安排":
      admin("安排会议");
      return arrange(ctx, words, sameDay);
    case "改期":
      admin("给会议改期");
      return move(ctx, words, which);
    case "取消":
      admin("取消会议");
      return cancel(ctx, words, which);
    case "议程":
    case "议题":
      admin("设置会议议题");
      return setAgenda(ctx, words, which);
    default:
      throw new UserError(`没看懂「${action}」。\n${MEETING_USAGE}`);
  }
}

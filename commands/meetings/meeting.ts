/** /会议: the community's joint meetings (联席会议): rule, one-off meetings, agenda, next three. */
import { isUserError, UserError } from "../core/errors.ts";
import { localizeExamples } from "../core/examples.ts";
import { requireRole } from "../core/support.ts";
import { boundCommand, type BoundContext } from "../core/types.ts";
import { arrange, cancel, move, setAgenda } from "./edits.ts";
import { type MeetingAction, meetingArgs, meetingUsage } from "./meeting-args.ts";
import { nextMeetings, setRule } from "./rule.ts";

export const meetingCommand = boundCommand({
  name: "会议",
  aliases: ["meeting", "联席会议", "例会"],
  summary: "联席会议：规则、安排、下次、取消、议程、改期（设置类仅管理员）",
  examples: ["/会议 规则 每月第一个周六 9:00 二小会议室", "/会议 下次", "/会议 安排 12月12日 14:00 二小 送课安排", "/会议 议程 12月5日 期末联考安排"],
  args: meetingArgs,
  async run(ctx, { action, text, sameDay, which }) {
    try {
      return await route(ctx, action, (text ?? "").split(/\s+/).filter(Boolean), sameDay, which);
    } catch (e) {
      // Examples in refusals name the community's own schools, not the demo's 二小.
      if (isUserError(e)) throw new UserError(localizeExamples(e.userText, ctx.schools), e.ambiguity);
      throw e;
    }
  },
});

async function route(ctx: BoundContext, action: MeetingAction | undefined, words: string[], sameDay: "move" | "add" | "no" | undefined, which: string | undefined): Promise<string> {
  const admin = (what: string) => requireRole(ctx, ["admin"], what);
  switch (action) {
    case undefined:
      if (words[0] !== undefined) throw new UserError(`没看懂「${words[0]}」。\n${meetingUsage()}`);
      return `${await nextMeetings(ctx)}\n\n${meetingUsage()}`;
    case "next":
      return nextMeetings(ctx);
    case "rule":
      admin("设置会议规则");
      return setRule(ctx, words.join(" "));
    case "arrange":
      admin("安排会议");
      return arrange(ctx, words, sameDay);
    case "move":
      admin("给会议改期");
      return move(ctx, words, which);
    case "cancel":
      admin("取消会议");
      return cancel(ctx, words, which);
    case "agenda":
      admin("设置会议议题");
      return setAgenda(ctx, words, which);
  }
}

/**
 * /会议's arguments: its sub-verb (a leading choice field, read from the first word; usage and
 * /帮助 会议 are generated from its lines), the text after it, and two answers the bot asks for.
 * Apart from meeting.ts so the sub-commands (edits.ts, pick.ts) can file a question under it.
 */
import { z } from "zod";
import { field } from "../core/fields.ts";
import { usageText } from "../core/usage.ts";

/** Typed verb → action. */
export const MEETING_ACTIONS = { 规则: "rule", 安排: "arrange", 下次: "next", 列表: "next", 取消: "cancel", 议程: "agenda", 议题: "agenda", 改期: "move" } as const;
export type MeetingAction = (typeof MEETING_ACTIONS)[keyof typeof MEETING_ACTIONS];

/** How an admin answers "that day already has a meeting": move it, or add another (some communities meet twice a day). */
export const SAME_DAY_CHOICES: Readonly<Record<string, "move" | "add" | "no">> = {
  改时间: "move",
  改期: "move",
  改: "move",
  调整: "move",
  移: "move",
  另加: "add",
  另加一场: "add",
  再加: "add",
  再加一场: "add",
  新增: "add",
  加一场: "add",
  取消: "no",
  不: "no",
  否: "no",
};

export const meetingArgs = z.object({
  action: field(z.enum(["rule", "arrange", "next", "cancel", "agenda", "move"]).optional(), {
    label: "规则|安排|下次|取消|议程|改期",
    keys: [],
    token: "choice",
    choices: MEETING_ACTIONS,
    placeholder: "规则|安排|下次|取消|议程|改期",
    verbs: {
      rule: [{ args: "<规则> [地点]", does: "例如：/会议 规则 每月第一个周六 9:00 二小会议室" }],
      arrange: [{ args: "<日期> <时间> [地点] [议题]", does: "例如：/会议 安排 12月12日 14:00 二小 送课安排" }],
      next: [{ does: "查看接下来三次会议" }],
      cancel: [{ args: "<日期> [时间]", does: "例如：/会议 取消 12月5日" }],
      agenda: [{ args: "<日期> [时间] <内容>", does: "例如：/会议 议程 12月5日 期末联考安排" }],
      move: [{ args: "<原日期> [原时间] <新日期> [时间]", does: "例如：/会议 改期 12月5日 12月12日" }],
    },
  }),
  text: field(z.string().max(600, "不超过600个字").optional(), { label: "内容", keys: [], token: "rest" }),
  // The answer to "that day already has a meeting: move it or add another?" (asked by /会议 安排).
  sameDay: field(z.enum(["move", "add", "no"]).optional(), { label: "当天已有会议", keys: [], token: "choice", choices: SAME_DAY_CHOICES, positional: false, hidden: true }),
  // The answer to "that day has several meetings: which one?" (asked by 改期, 取消, 议程): a time or a number.
  which: field(z.string().max(20, "不超过20个字").optional(), { label: "哪一场", keys: [], token: "text", positional: false, hidden: true }),
});

/** /会议's usage, generated from its schema. */
export const meetingUsage = (): string => usageText({ name: "会议", args: meetingArgs });

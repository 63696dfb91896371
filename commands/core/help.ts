import { z } from "zod";
import { UserError } from "./errors.ts";
import { localizeExamples } from "./examples.ts";
import { field } from "./fields.ts";
import { openCommand } from "./types.ts";
import { helpFor } from "./usage.ts";

/**
 * The three things people do most, with a ready example each: /帮助 must fit one phone screen
 * (issue 25). Everything else is named by /帮助 全部 and explained by /帮助 <命令>.
 */
const MOST_USED = [
  { example: "/记录 示范课 11月20日 二小 语文", what: "记一次活动（可一次发多行，一行一条）" },
  { example: "/进度", what: "本学期还差什么" },
  { example: "/列表 本周", what: "看记录；记错了用 /修改 或 /撤销" },
] as const;

const ALL_WORDS = new Set(["全部", "所有", "全部命令", "all"]);

/** What teachers use week to week, then setup and administration (for /帮助 全部). */
const EVERYDAY = new Set(["记录", "表单", "列表", "修改", "撤销", "进度", "签到", "纪要", "周报"]);

export const helpCommand = openCommand({
  name: "帮助",
  aliases: ["help", "?", "？"],
  summary: "常用命令；/帮助 全部 列出所有命令，/帮助 命令名 看用法",
  examples: ["/帮助", "/帮助 全部", "/帮助 记录"],
  args: z.object({
    topic: field(z.string().optional(), { label: "命令", keys: [], token: "text" }),
  }),
  async run(ctx, { topic }) {
    const first = ctx.community ? "" : "本群还没有绑定共同体，请先发送：/绑定 共同体名称\n";
    if (topic && ALL_WORDS.has(topic.toLowerCase())) {
      const names = (everyday: boolean) =>
        ctx.commands.all
          .filter((c) => EVERYDAY.has(c.name) === everyday)
          .map((c) => `/${c.name}`)
          .join(" ");
      return `${first}日常：${names(true)}\n设置与管理：${names(false)}\n发送 /帮助 命令名 看用法和例子，如 /帮助 成员`;
    }
    if (topic) {
      // The same lookup as dispatch: what /帮助 explains is what the name runs.
      const found = ctx.commands.find(topic.replace(/^\//, ""));
      if (!found) throw new UserError(`没有「${topic}」这个命令。例如：/帮助 记录（所有命令：/帮助 全部）`);
      return helpFor(found, ctx.schools);
    }
    const web = ctx.settings.forms ? `\n网页版（进度、记录、照片）：${ctx.settings.forms.baseUrl}/` : "";
    const lines = MOST_USED.map((m) => `${m.example}\n  ${m.what}`);
    return localizeExamples(`${first}教联体助手 常用：\n${lines.join("\n")}\n更多：/帮助 全部；某个命令：/帮助 记录${web}`, ctx.schools);
  },
});

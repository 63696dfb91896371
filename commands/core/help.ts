import { z } from "zod";
import { UserError } from "./errors.ts";
import { field } from "./fields.ts";
import { openCommand } from "./types.ts";
import { helpFor, usageLine } from "./usage.ts";

/** What teachers use week to week; the rest is setup and administration. */
const EVERYDAY = new Set(["记录", "表单", "列表", "修改", "撤销", "进度", "签到", "纪要", "周报"]);

export const helpCommand = openCommand({
  name: "帮助",
  aliases: ["help", "?", "？"],
  summary: "查看命令列表，或某个命令的用法",
  examples: ["/帮助", "/帮助 记录"],
  args: z.object({
    topic: field(z.string().optional(), { label: "命令", keys: [], token: "text" }),
  }),
  async run(ctx, { topic }) {
    if (topic) {
      // The same lookup as dispatch: what /帮助 explains is what the name runs.
      const found = ctx.commands.find(topic.replace(/^\//, ""));
      if (!found) throw new UserError(`没有「${topic}」这个命令。发送 /帮助 查看全部命令。`);
      return helpFor(found, ctx.schools);
    }
    // Teachers need a handful of commands; the setup and admin ones are named, not explained,
    // so the list fits a phone screen (the full usage is one /帮助 <命令> away).
    const daily = ctx.commands.all.filter((c) => EVERYDAY.has(c.name)).map((c) => `${usageLine(c)}\n  ${c.summary}`);
    const others = ctx.commands.all.filter((c) => !EVERYDAY.has(c.name)).map((c) => `/${c.name}`);
    const first = ctx.community ? "" : "本群还没有绑定共同体，请先发送：/绑定 共同体名称\n\n";
    return `${first}教联体助手 常用命令：\n${daily.join("\n")}\n\n设置与管理：${others.join(" ")}\n\n发送 /帮助 命令名 查看用法和例子，如 /帮助 记录`;
  },
});

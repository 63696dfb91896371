/**
 * /我的数据: a copy of everything the bot keeps about the sender (PIPL 第45条), as a JSON file
 * behind a signed link (core/links, kind my) that names their platform account; in a 1:1 chat only. Platforms that
 * can send files send the file itself into the chat as well (Reply.file).
 */
import { z } from "zod";
import { signLink } from "../../core/links/index.ts";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { openCommand } from "../core/types.ts";

/** The route of /我的数据 links: their kind in core/links. */
export const MY_DATA_PATH = "/my";

export const myDataCommand = openCommand({
  name: "我的数据",
  aliases: ["mydata", "我的信息", "导出我的数据"],
  summary: "在单聊中获取助手保存的关于你的全部信息（文件）",
  examples: ["/我的数据"],
  args: z.object({
    rest: field(z.string().max(0, "不用写别的，只发送 /我的数据").optional(), { label: "内容", keys: [], token: "rest" }),
  }),
  async run(ctx) {
    if (ctx.message.chatType !== "direct") throw new UserError("请在和我的单聊中发送 /我的数据（文件里是你的个人信息，群里大家都看得到）。例如：私聊我发送 /我的数据");
    const forms = ctx.settings.forms;
    if (!forms) throw new UserError("下载链接功能未开启，请联系管理员设置 PUBLIC_BASE_URL 和 FORM_SECRET。");
    const url = signLink(forms, { l: "my", w: "mydata", pl: ctx.message.platform, u: ctx.message.senderId, exp: ctx.now.getTime() + forms.ttlMs });
    const hours = Math.round(forms.ttlMs / 3_600_000);
    const label = "我的数据（JSON）";
    return [{ text: [`📦 助手保存的关于你的全部信息：`, url, `链接${hours}小时内有效，只发给你本人，请勿转发。`].join("\n"), link: { label: `下载${label}`, url }, file: { url, label } }];
  },
});

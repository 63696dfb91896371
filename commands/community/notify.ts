/** /通知: a notice pushed to a named push group (a robot webhook), rate-limited on the way out. */
import { z } from "zod";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { audit, requireRole } from "../core/support.ts";
import { boundCommand } from "../core/types.ts";

export const notifyCommand = boundCommand({
  name: "通知",
  aliases: ["notify", "推送"],
  summary: "向推送群发一条通知（管理员、校长、联络员）",
  examples: ["/通知 成员校教师群 周三下午3点在二小开联席会议，请各校校长参加"],
  args: z.object({
    text: field(z.string().max(2000, "不超过2000个字").optional(), {
      label: "推送群 内容",
      placeholder: "<推送群> <内容>",
      keys: [],
      token: "rest",
      required: true,
      ask: "请问要通知哪个推送群、说什么？例如：成员校教师群 周三开会",
    }),
  }),
  async run(ctx, { text }) {
    requireRole(ctx, ["admin", "principal", "coordinator"], "发通知");
    const m = /^(\S+)\s+([\s\S]+)$/.exec((text ?? "").trim());
    if (!m) throw new UserError("请写上推送群名称和通知内容。例如：/通知 成员校教师群 周三开会");
    const [, name, body] = m as unknown as [string, string, string];
    const target = await ctx.db.pushTarget.findUnique({ where: { communityId_name: { communityId: ctx.community.id, name } } });
    if (!target) throw new UserError(`没有名为「${name}」的推送群。发送 /推送群 列表 查看，或让管理员添加。`);
    await audit(ctx, "notify", "pushTarget", target.id, null, { name, length: body.length });
    const to = { platform: target.platform as "wecom" | "dingtalk", name, url: target.url, ...(target.secret ? { secret: target.secret } : {}) };
    return [{ text: `📣 已排队发送到「${name}」。` }, { text: `📣 ${ctx.community.name} 通知（${ctx.member.displayName}）\n${body}`, to }];
  },
});

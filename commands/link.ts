/**
 * /关联: the same person seen through a second platform (e.g. first WeCom, later DingTalk) shows
 * up as a new member; an admin merges that new member into the existing one. Identities,
 * records, confirmations, pairs and audit entries move over; roles are united.
 */
import { z } from "zod";
import { UserError } from "./errors.ts";
import { field } from "./fields.ts";
import { audit, requireRole } from "./support.ts";
import { boundCommand, type BoundContext } from "./types.ts";

const PLATFORM_WORDS: Record<string, string> = { 钉钉: "dingtalk", dingtalk: "dingtalk", 企业微信: "wecom", 企微: "wecom", wecom: "wecom", 模拟: "sim", sim: "sim" };
const USAGE = "用法：/关联 成员姓名 平台[=该平台上的名字]\n例如：/关联 张三 钉钉（把钉钉上的「张三」并入已有的张三）；/关联 张三 钉钉=老张";

async function membersNamed(ctx: BoundContext, name: string, platform: string, onPlatform: boolean) {
  return ctx.db.member.findMany({
    where: { communityId: ctx.community.id, displayName: name, identities: onPlatform ? { some: { platform } } : { none: { platform } } },
    include: { identities: true },
  });
}

export const linkCommand = boundCommand({
  name: "关联",
  aliases: ["link", "合并"],
  summary: "把同一个人在另一个平台（钉钉/企业微信）上的账号关联到已有成员（管理员）",
  examples: ["/关联 张三 钉钉", "/关联 张三 钉钉=老张"],
  args: z.object({
    text: field(z.string().max(100).optional(), { label: "内容", keys: [], token: "rest", required: true, ask: "请问关联哪位成员、哪个平台？例如：张三 钉钉" }),
  }),
  async run(ctx, { text }) {
    requireRole(ctx, ["admin"], "关联账号");
    const [targetName, spec] = (text ?? "").trim().split(/\s+/);
    const [platformWord, otherName] = (spec ?? "").split("=");
    const platform = platformWord ? PLATFORM_WORDS[platformWord.toLowerCase()] : undefined;
    if (!targetName || !platform) throw new UserError(USAGE);
    const sourceName = otherName || targetName;

    const sources = await membersNamed(ctx, sourceName, platform, true);
    const targets = (await membersNamed(ctx, targetName, platform, false)).filter((t) => !sources.some((s) => s.id === t.id));
    if (sources.length !== 1) throw new UserError(sources.length === 0 ? `没有找到在${platformWord}上发过消息的「${sourceName}」。请让他先在绑定的群里@我发一条消息。` : `「${sourceName}」有多位，无法确定。`);
    if (targets.length !== 1) throw new UserError(targets.length === 0 ? `没有找到还未关联${platformWord}账号的成员「${targetName}」。` : `有多位「${targetName}」，请先用 /成员 改名区分。`);
    const [source, target] = [sources[0]!, targets[0]!];

    const { db } = ctx;
    await db.platformIdentity.updateMany({ where: { memberId: source.id }, data: { memberId: target.id } });
    await db.activity.updateMany({ where: { recorderId: source.id }, data: { recorderId: target.id } });
    await db.activity.updateMany({ where: { confirmedById: source.id }, data: { confirmedById: target.id } });
    try {
      await db.mentorPair.updateMany({ where: { mentorId: source.id }, data: { mentorId: target.id } });
      await db.mentorPair.updateMany({ where: { menteeId: source.id }, data: { menteeId: target.id } });
    } catch {
      throw new UserError(`「${sourceName}」和「${targetName}」有相同的师徒结对，请先处理重复的结对再关联。`);
    }
    await db.auditLog.updateMany({ where: { communityId: ctx.community.id, actorId: source.id }, data: { actorId: target.id } });
    const roles = [...new Set([...target.roles, ...source.roles.filter((r) => r !== "teacher" || target.roles.length === 0)])];
    await db.member.update({ where: { id: target.id }, data: { roles, schoolId: target.schoolId ?? source.schoolId } });
    await db.member.delete({ where: { id: source.id } });
    await audit(ctx, "link", "member", target.id, { merged: source.id, name: sourceName }, { platform });
    return `已把${platformWord}上的「${sourceName}」关联到成员「${targetName}」。以后他在两个平台上的记录都算同一个人。`;
  },
});

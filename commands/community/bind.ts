import { distance } from "fastest-levenshtein";
import { z } from "zod";
import type { Tx } from "../../db/client.ts";
import { confirmField } from "../activities/activity-fields.ts";
import { AskError, UserError } from "../core/errors.ts";
import { localizeExamples } from "../core/examples.ts";
import { field } from "../core/fields.ts";
import { openCommand } from "../core/types.ts";

export const bindCommand = openCommand({
  name: "绑定",
  aliases: ["bind"],
  summary: "把本群绑定到一个共同体（新名称则创建，绑定者成为管理员）",
  examples: ["/绑定 清涧县第二小学教育共同体"],
  args: z.object({
    name: field(z.string().min(2, "至少两个字").max(60, "不超过60个字"), {
      label: "共同体名称",
      keys: [],
      token: "rest",
      required: true,
      ask: "请问要绑定的共同体名称是？例如：清涧县第二小学教育共同体",
    }),
    confirm: confirmField(),
  }),
  async run(ctx, { name, confirm }) {
    const { db, message } = ctx;
    const bound = await db.chatGroup.findUnique({ where: { platform_chatId: { platform: message.platform, chatId: message.chatId } }, include: { community: true } });
    if (bound?.community.name === name) return `本群已绑定「${name}」。`;
    if (bound && !ctx.member?.roles.includes("admin")) {
      throw new UserError(`本群已绑定「${bound.community.name}」。只有它的管理员可以改绑。`);
    }

    const existing = await db.community.findUnique({ where: { name } });
    // Never silent: moving a bound group, or creating a community named like an existing one, is asked first.
    if (confirm === "no") return "好的，没有改动。";
    if (confirm !== "yes") {
      const similar = existing ? null : await similarCommunity(db, name);
      const fresh = existing ? "" : "新建的";
      if (bound) throw new AskError("confirm", { name }, `本群已绑定「${bound.community.name}」，改绑到${fresh}「${name}」吗？回复「确认」改绑，回复「否」不变。`, bound.communityId);
      if (similar) {
        throw new AskError(
          "confirm",
          { name },
          `已有名称相近的共同体「${similar.name}」。确实要新建「${name}」吗？回复「确认」新建；若要绑定到「${similar.name}」，请发送 /绑定 ${similar.name}`,
          similar.id,
        );
      }
    }
    const identity = { platform: message.platform, userId: message.senderId };
    if (existing) {
      const me = await db.platformIdentity.findUnique({
        where: { communityId_platform_userId: { communityId: existing.id, ...identity } },
        include: { member: true },
      });
      if (!me?.member.roles.includes("admin")) {
        throw new UserError(`共同体「${name}」已存在。只有它的管理员可以把新群绑定到它，请让管理员在本群发送：/绑定 ${name}`);
      }
      await db.chatGroup.upsert({
        where: { platform_chatId: { platform: message.platform, chatId: message.chatId } },
        create: { communityId: existing.id, platform: message.platform, chatId: message.chatId },
        update: { communityId: existing.id },
      });
      await db.auditLog.create({
        data: { communityId: existing.id, actorId: me.memberId, action: "bind", entity: "chat", at: ctx.now, after: { chatId: message.chatId, platform: message.platform } },
      });
      return `已把本群绑定到「${name}」。`;
    }

    const community = await db.community.create({ data: { name, createdAt: ctx.now } });
    const member = await db.member.create({
      data: {
        communityId: community.id,
        displayName: message.senderName || message.senderId,
        roles: ["admin"],
        identities: { create: { communityId: community.id, ...identity } },
      },
    });
    await db.chatGroup.upsert({
      where: { platform_chatId: { platform: message.platform, chatId: message.chatId } },
      create: { communityId: community.id, platform: message.platform, chatId: message.chatId },
      update: { communityId: community.id },
    });
    await db.auditLog.create({ data: { communityId: community.id, actorId: member.id, action: "create", entity: "community", entityId: community.id, at: ctx.now, after: { name } } });
    // Only the example lines are localised: the community's own name may contain a demo school's.
    return [
      `已创建共同体「${name}」并绑定本群，${member.displayName} 是管理员。`,
      localizeExamples(["下一步：", "/学校 添加 清涧县第二小学 核心 二小  （添加学校）", "/成员 张三 二小 校长  （设置成员）", "/记录 示范课 11月20日 二小 语文  （记录活动）"].join("\n"), []),
    ].join("\n");
  },
});

/** Words that every community name may or may not carry: a near miss often differs only in them. */
const GENERIC_WORDS = /教育|共同体|教联体|联盟|集团|发展|紧密型|城乡/g;

/** Numbers tell communities apart (第一小学 / 第二小学, 联盟1 / 联盟2): a name differing only in them is not a slip. */
const NUMERALS = /[0-9一二三四五六七八九十〇零两]/g;

/** An existing community whose name is one slip away from `name`, if any. */
async function similarCommunity(db: Tx, name: string): Promise<{ id: number; name: string } | null> {
  const head = [...name].slice(0, 2).join("");
  const core = name.replace(GENERIC_WORDS, "");
  // Names that differ only in generic words are found by the database whatever their number (a county
  // can hold hundreds of communities sharing a first word); typos among those sharing the first word.
  const generic = GENERIC_WORDS.source;
  const [sameCore, sameHead] = await Promise.all([
    core.length >= 2
      ? db.$queryRaw<{ id: number; name: string }[]>`SELECT id, name FROM "Community" WHERE regexp_replace(name, ${generic}, '', 'g') = ${core} AND name <> ${name} LIMIT 5`
      : Promise.resolve([]),
    db.community.findMany({ where: { name: { startsWith: head } }, select: { id: true, name: true }, orderBy: { id: "desc" }, take: 500 }),
  ]);
  const candidates = [...sameCore, ...sameHead];
  const withoutNumbers = name.replace(NUMERALS, "");
  const slip = (other: string) =>
    other.replace(NUMERALS, "") !== withoutNumbers && (distance(other, name) <= Math.max(2, Math.floor(name.length / 5)) || (core.length >= 2 && other.replace(GENERIC_WORDS, "") === core));
  return candidates.find((c) => slip(c.name)) ?? null;
}

import { z } from "zod";
import type { Prisma } from "../../db/client.ts";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { findOrCreateMember } from "./members.ts";
import { audit, requireRole } from "../core/support.ts";
import { overlapping, termIdFor } from "../../db/terms.ts";
import { termOf } from "../core/term.ts";
import { boundCommand, type BoundContext } from "../core/types.ts";
import { linesOf } from "./several-parts.ts";

const SHOWN = 20;

/** This term's pairs, one a line: mentor (school) → mentee (school) subject. */
async function listPairs(ctx: BoundContext): Promise<string> {
  const { term } = termOf(ctx);
  // The term's pairs by identity (db/terms.ts), as /结对's count and /进度 find them; typed so a stale field is a compile error.
  const where: Prisma.MentorPairWhereInput = { communityId: ctx.community.id, OR: [{ termId: null }, { termRow: overlapping(term) }] };
  const person = { select: { displayName: true, schoolId: true } };
  const [total, pairs] = await Promise.all([
    ctx.db.mentorPair.count({ where }),
    ctx.db.mentorPair.findMany({ where, orderBy: { id: "asc" }, take: SHOWN, include: { mentor: person, mentee: person } }),
  ]);
  if (total === 0) return `本学期（${term.name}）还没有登记师徒结对。登记：/结对 王老师 李老师 语文`;
  const school = (id: number | null) => {
    const s = ctx.schools.find((x) => x.id === id);
    return s ? `（${s.shortNames[0] ?? s.fullName}）` : "";
  };
  const lines = pairs.map((p, i) => `${i + 1}. ${p.mentor.displayName}${school(p.mentor.schoolId)} → ${p.mentee.displayName}${school(p.mentee.schoolId)}${p.subject ? ` ${p.subject}` : ""}`);
  const more = total > pairs.length ? [`……另有 ${total - pairs.length} 对`] : [];
  return [`本学期（${term.name}）师徒结对 ${total} 对（导师 → 徒弟）：`, ...lines, ...more].join("\n");
}

export const pairCommand = boundCommand({
  name: "结对",
  aliases: ["pair", "师徒结对", "拜师"],
  summary: "登记师徒结对：导师、徒弟、学科（管理员或联络员，一行一对可一次登记几对）；/结对 列表 查看",
  examples: ["/结对 王老师 李老师 语文", "/结对 列表"],
  several: linesOf,
  words: { 列表: listPairs, 查看: listPairs, list: listPairs },
  args: z.object({
    mentor: field(z.string().min(1).max(30).optional(), { label: "导师", keys: ["导师", "师傅"], token: "text", required: true, ask: "请问导师是谁？" }),
    mentee: field(z.string().min(1).max(30).optional(), { label: "徒弟", keys: ["徒弟"], token: "text", required: true, ask: "请问徒弟是谁？" }),
    subject: field(z.string().optional(), { label: "学科", keys: ["学科"], token: "subject" }),
  }),
  async run(ctx, { mentor, mentee, subject }) {
    requireRole(ctx, ["admin", "coordinator"], "登记结对");
    if (!mentor || !mentee) throw new UserError("请写上导师和徒弟。");
    if (mentor === mentee) throw new UserError("导师和徒弟不能是同一人。");
    const m1 = (await findOrCreateMember(ctx, mentor)).member;
    const m2 = (await findOrCreateMember(ctx, mentee)).member;
    const { term } = termOf(ctx);
    const existing = await ctx.db.mentorPair.findFirst({ where: { communityId: ctx.community.id, mentorId: m1.id, menteeId: m2.id, subject: subject ?? null } });
    if (existing) return `${mentor} 与 ${mentee}${subject ? `（${subject}）` : ""} 已结对。`;
    const pair = await ctx.db.mentorPair.create({
      data: { communityId: ctx.community.id, mentorId: m1.id, menteeId: m2.id, subject: subject ?? null, termId: await termIdFor(ctx.db, ctx.community.id, term) },
    });
    await audit(ctx, "create", "pair", pair.id, null, { mentor, mentee, subject: subject ?? null });
    const count = await ctx.db.mentorPair.count({ where: { communityId: ctx.community.id, OR: [{ termId: null }, { termRow: overlapping(term) }] } });
    return `🤝 已登记结对：导师 ${mentor} — 徒弟 ${mentee}${subject ? `（${subject}）` : ""}。本学期共 ${count} 对。`;
  },
});

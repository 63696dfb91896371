/**
 * Terms by identity: a Term row stands for one stretch of a community's school time. Pairs and
 * targets point at it by id, so renaming or re-dating the term (/学期 设置) keeps them; they are
 * found for the term shown by its dates overlapping that term's.
 */
import { fromDay } from "../core/dates.ts";
import type { Term } from "../core/terms.ts";
import type { Tx } from "./client.ts";

/** Prisma filter: the Term rows overlapping `term`'s dates. */
export const overlapping = (term: Term) => ({ start: { lte: fromDay(term.end) }, end: { gte: fromDay(term.start) } });

/** The id of the stored term for `term` (the one overlapping its dates), created when there is none. */
export async function termIdFor(db: Tx, communityId: number, term: Term): Promise<number> {
  const found = await db.term.findFirst({ where: { communityId, ...overlapping(term) }, orderBy: [{ start: "desc" }, { id: "asc" }], select: { id: true } });
  if (found) return found.id;
  const row = await db.term.create({ data: { communityId, name: term.name, start: fromDay(term.start), end: fromDay(term.end) }, select: { id: true } });
  return row.id;
}

/**
 * /学期 设置 changed the term in effect from `before` to `after`: when the two overlap it is the
 * same term renamed or re-dated, and its stored row (with everything tied to it) follows.
 */
export async function followTermChange(db: Tx, communityId: number, before: Term, after: Term): Promise<void> {
  if (before.start > after.end || after.start > before.end) return;
  const row = await db.term.findFirst({ where: { communityId, ...overlapping(before) }, orderBy: [{ start: "desc" }, { id: "asc" }], select: { id: true } });
  if (row) await db.term.update({ where: { id: row.id }, data: { name: after.name, start: fromDay(after.start), end: fromDay(after.end) } });
}

/**
 * Everything computeProgress (core/progress.ts) needs for one community and term, loaded from
 * the database. /进度 uses it; the digest, exports and a district view can too.
 */
import { DEFAULT_TARGETS, type TargetSpec } from "../core/targets.ts";
import type { ProgressActivity, ProgressInput, ProgressMentorPair, ProgressSchool } from "../core/progress.ts";
import type { Term } from "../core/terms.ts";
import type { Tx } from "./client.ts";
import { storedTargets } from "./targets.ts";

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The school year (Sep 1 – Aug 31) a term lies in: yearly targets count over it. */
function yearStart(term: Term): string {
  const [y, m] = term.start.split("-").map(Number) as [number, number];
  return `${m >= 9 ? y : y - 1}-09-01`;
}

export interface LoadedProgressInput extends ProgressInput {
  /** False when the community set no targets for this term and the default template applies. */
  targetsSet: boolean;
}

export async function loadProgressInput(db: Tx, communityId: number, term: Term, today: string): Promise<LoadedProgressInput> {
  const [schoolRows, pairRows, activityRows, stored] = await Promise.all([
    db.school.findMany({ where: { communityId }, orderBy: [{ role: "asc" }, { id: "asc" }] }),
    db.mentorPair.findMany({
      where: { communityId, OR: [{ term: term.name }, { term: null }] },
      include: { mentor: { select: { displayName: true, schoolId: true } }, mentee: { select: { displayName: true, schoolId: true } } },
      orderBy: { id: "asc" },
    }),
    db.activity.findMany({
      where: { communityId, revokedAt: null, date: { gte: new Date(`${yearStart(term)}T00:00:00Z`), lte: new Date(`${term.end}T00:00:00Z`) } },
      select: { kind: true, date: true, hostSchoolId: true, givingSchoolId: true, receiverSchoolIds: true, schoolIds: true, people: true, pairId: true },
    }),
    storedTargets(db, communityId, term.name),
  ]);
  const schools: ProgressSchool[] = schoolRows.map((s) => ({ id: s.id, fullName: s.fullName, name: s.shortNames[0] ?? s.fullName, role: s.role }));
  const pairs: ProgressMentorPair[] = pairRows.map((p) => ({
    id: p.id,
    subject: p.subject,
    mentor: { name: p.mentor.displayName, schoolId: p.mentor.schoolId },
    mentee: { name: p.mentee.displayName, schoolId: p.mentee.schoolId },
  }));
  const activities: ProgressActivity[] = activityRows.map((a) => ({ ...a, date: day(a.date) }));
  const targets: TargetSpec[] = stored.length > 0 ? stored : [...DEFAULT_TARGETS];
  return { targets, targetsSet: stored.length > 0, schools, pairs, activities, term, today };
}

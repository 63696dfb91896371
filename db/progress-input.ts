/**
 * Everything computeProgress (core/progress.ts) needs for one community and term, loaded from
 * the database. /进度 uses it; the digest, exports and a district view can too.
 */
import { DEFAULT_TARGETS, type TargetSpec } from "../core/targets.ts";
import type { ProgressActivity, ProgressInput, ProgressMentorPair, ProgressSchool } from "../core/progress.ts";
import type { Term } from "../core/terms.ts";
import type { Tx } from "./client.ts";
import { rowToSpec, storedTargets } from "./targets.ts";
import { fromDay, toDay } from "../core/dates.ts";
import { overlapping } from "./terms.ts";
import { type SchoolRow, schoolsOf, schoolsOfMany } from "./schools.ts";

/** The school year (Sep 1 – Aug 31) a term lies in: yearly targets count over it. */
function yearStart(term: Term): string {
  const [y, m] = term.start.split("-").map(Number) as [number, number];
  return `${m >= 9 ? y : y - 1}-09-01`;
}

export interface LoadedProgressInput extends ProgressInput {
  /** False when the community set no targets for this term and the default template applies. */
  targetsSet: boolean;
}

type PairRow = {
  id: number;
  communityId: number;
  subject: string | null;
  mentor: { displayName: string; schoolId: number | null };
  mentee: { displayName: string; schoolId: number | null };
};

/** One community's rows (already filtered to its term) as computeProgress's input. */
function assemble(rows: { schools: SchoolRow[]; pairs: PairRow[]; activities: ProgressActivity[]; stored: TargetSpec[] }, term: Term, today: string): LoadedProgressInput {
  const schools: ProgressSchool[] = rows.schools.map((s) => ({ id: s.id, fullName: s.fullName, name: s.shortNames[0] ?? s.fullName, role: s.role }));
  const pairs: ProgressMentorPair[] = rows.pairs.map((p) => ({
    id: p.id,
    subject: p.subject,
    mentor: { name: p.mentor.displayName, schoolId: p.mentor.schoolId },
    mentee: { name: p.mentee.displayName, schoolId: p.mentee.schoolId },
  }));
  const targets: TargetSpec[] = rows.stored.length > 0 ? rows.stored : [...DEFAULT_TARGETS];
  return { targets, targetsSet: rows.stored.length > 0, schools, pairs, activities: rows.activities, term, today };
}

const ACTIVITY_FIELDS = { kind: true, date: true, hostSchoolId: true, givingSchoolId: true, receiverSchoolIds: true, schoolIds: true, people: true, pairId: true } as const;
const TERM_DATES = { select: { start: true, end: true } } as const;
/** A stored term's dates overlap the term shown: it is that term, whatever either is called. */
const inTerm = (row: { start: Date; end: Date }, term: Term) => toDay(row.start) <= term.end && toDay(row.end) >= term.start;
const PAIR_PEOPLE = { mentor: { select: { displayName: true, schoolId: true } }, mentee: { select: { displayName: true, schoolId: true } } } as const;

export async function loadProgressInput(db: Tx, communityId: number, term: Term, today: string): Promise<LoadedProgressInput> {
  const [schools, pairs, activities, stored] = await Promise.all([
    schoolsOf(db, communityId),
    db.mentorPair.findMany({ where: { communityId, OR: [{ termRow: overlapping(term) }, { termId: null }] }, include: PAIR_PEOPLE, orderBy: { id: "asc" } }),
    db.activity.findMany({
      where: { communityId, revokedAt: null, date: { gte: fromDay(yearStart(term)), lte: fromDay(term.end) } },
      select: ACTIVITY_FIELDS,
    }),
    storedTargets(db, communityId, term),
  ]);
  return assemble({ schools, pairs, activities: activities.map((a) => ({ ...a, date: toDay(a.date) })), stored }, term, today);
}

/**
 * The same input for many communities (a district's page, its workbook, its digest) in four
 * queries however many there are: one query per community each would be ~1,200 round trips for
 * 300 communities. Each community is judged in its own term.
 */
export async function loadProgressInputs(db: Tx, wanted: readonly { communityId: number; term: Term }[], today: string): Promise<Map<number, LoadedProgressInput>> {
  const out = new Map<number, LoadedProgressInput>();
  if (wanted.length === 0) return out;
  const ids = wanted.map((w) => w.communityId);
  const from = wanted.map((w) => yearStart(w.term)).sort()[0]!;
  const to = wanted
    .map((w) => w.term.end)
    .sort()
    .at(-1)!;
  const [schools, pairs, activities, targets] = await Promise.all([
    schoolsOfMany(db, ids),
    db.mentorPair.findMany({ where: { communityId: { in: ids } }, include: { ...PAIR_PEOPLE, termRow: TERM_DATES }, orderBy: { id: "asc" } }),
    activitiesOfMany(db, ids, from, to),
    db.target.findMany({ where: { communityId: { in: ids } }, include: { termRow: TERM_DATES }, orderBy: { id: "asc" } }),
  ]);
  const by = <T extends { communityId: number }>(rows: readonly T[]) => {
    const m = new Map<number, T[]>();
    for (const r of rows) {
      const list = m.get(r.communityId);
      if (list) list.push(r);
      else m.set(r.communityId, [r]);
    }
    return (id: number) => m.get(id) ?? [];
  };
  const [schoolsIn, pairsOf, targetsOf] = [by(schools), by(pairs), by(targets)];
  for (const { communityId, term } of wanted) {
    const [start, end] = [yearStart(term), term.end];
    const rows = {
      schools: schoolsIn(communityId),
      pairs: pairsOf(communityId).filter((p) => p.termRow === null || inTerm(p.termRow, term)),
      activities: (activities.get(communityId) ?? []).filter((a) => a.date >= start && a.date <= end),
      stored: targetsOf(communityId)
        .filter((t) => inTerm(t.termRow, term))
        .map(rowToSpec),
    };
    out.set(communityId, assemble(rows, term, today));
  }
  return out;
}

/** One activity as activitiesOfMany reads it: the fields of ProgressActivity, in this order. */
type ActivityTuple = [string, string, number | null, number | null, number[], number[], string[], number | null];

/**
 * Every community's activities between two days, one JSON array per community. Read this way
 * rather than as 30,000 rows of a model query: the database spends ~15 ms on them, and turning
 * each row's three arrays and date into objects cost Prisma (and node-postgres' array parser)
 * several hundred ms for a district of 300 communities; JSON.parse does it natively
 * (bench/RESULTS.md, 2026-12-02). A DATE in JSON is always YYYY-MM-DD, whatever DateStyle says.
 * Only progress reads these (people are left out where no mentor pair could use them).
 */
export async function activitiesOfMany(db: Tx, ids: readonly number[], from: string, to: string): Promise<Map<number, ProgressActivity[]>> {
  // People count only for mentor targets, whose items come from mentor pairs: a community with no pair gets none (a third less to build and read).
  const rows = await db.$queryRaw<{ c: number; j: string }[]>`
    WITH paired AS (SELECT DISTINCT "communityId" FROM "MentorPair" WHERE "communityId" = ANY(${[...ids]}::int[]))
    SELECT a."communityId" AS c,
      json_agg(json_build_array(a.kind, a.date, a."hostSchoolId", a."givingSchoolId", a."receiverSchoolIds", a."schoolIds",
        CASE WHEN p."communityId" IS NULL THEN '{}'::text[] ELSE a.people END, a."pairId"))::text AS j
    FROM "Activity" a LEFT JOIN paired p ON p."communityId" = a."communityId"
    WHERE a."communityId" = ANY(${[...ids]}::int[]) AND a."revokedAt" IS NULL AND a.date >= ${from}::date AND a.date <= ${to}::date
    GROUP BY a."communityId"`;
  const out = new Map<number, ProgressActivity[]>();
  for (const r of rows) {
    const tuples = JSON.parse(r.j) as ActivityTuple[];
    out.set(
      r.c,
      tuples.map(([kind, date, hostSchoolId, givingSchoolId, receiverSchoolIds, schoolIds, people, pairId]) => ({
        kind,
        date,
        hostSchoolId,
        givingSchoolId,
        receiverSchoolIds,
        schoolIds,
        people,
        pairId,
      })),
    );
  }
  return out;
}

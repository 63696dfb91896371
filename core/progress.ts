/**
 * Progress against targets: one pure function from (targets, schools, mentor pairs, activities,
 * term, today) to a structured report that /进度, the weekly digest, exports and a district view
 * all read. An activity dated after today is planned, never done.
 */
import { DateTime } from "luxon";
import { daysBetween } from "./dates.ts";
import { PAIRS_KIND, type SchoolRole, type TargetScope, type TargetSpec } from "./targets.ts";
import { termWeeks, type Term } from "./terms.ts";

export interface ProgressSchool {
  id: number;
  fullName: string;
  /** The name shown in compact lines (first short name, else the full name). */
  name: string;
  role: SchoolRole;
}

export interface ProgressPerson {
  name: string;
  schoolId: number | null;
}

export interface ProgressMentorPair {
  id: number;
  mentor: ProgressPerson;
  mentee: ProgressPerson;
  subject: string | null;
}

export interface ProgressActivity {
  kind: string;
  /** YYYY-MM-DD */
  date: string;
  hostSchoolId: number | null;
  givingSchoolId: number | null;
  receiverSchoolIds: readonly number[];
  schoolIds: readonly number[];
  people: readonly string[];
  pairId: number | null;
}

export interface ProgressInput {
  targets: readonly TargetSpec[];
  schools: readonly ProgressSchool[];
  pairs: readonly ProgressMentorPair[];
  activities: readonly ProgressActivity[];
  term: Term;
  /** YYYY-MM-DD in the community's timezone. */
  today: string;
}

/** Where one target applies: one instance of its scope. */
export type ItemScope =
  | { type: "community" }
  | { type: "school"; schoolId: number }
  | { type: "pair"; giverId: number; receiverId: number; directed: boolean }
  | { type: "mentor"; side: "mentor" | "mentee"; pairId: number; person: string; partner: string; schoolId: number | null; partnerSchoolId: number | null };

export interface ProgressItem {
  target: TargetSpec;
  scope: ItemScope;
  /** The schools this item is counted against (the giver of a directed pair, both of an undirected one). */
  accountable: number[];
  /** Minimum over the term (a monthly minimum times the term's months). */
  min: number;
  done: number;
  /** Dated after today, inside the window: not done yet. */
  planned: number;
  met: boolean;
  /** max(0, min − done) */
  remaining: number;
}

export interface SchoolStanding {
  school: ProgressSchool;
  /** Items counted against this school, behind first (most remaining first). */
  items: ProgressItem[];
  behind: number;
  met: number;
}

/** Who holds the community back under bundled assessment: each of them has `behind` of its `of` items unmet. */
export interface HoldingBack {
  schools: ProgressSchool[];
  behind: number;
  of: number;
}

export interface ProgressReport {
  term: Term;
  today: string;
  /** Weeks from today to the term's end (a started week counts), 0 after it. */
  weeksLeft: number;
  /** Every item, behind first. */
  items: ProgressItem[];
  /** Bundled assessment: the community is judged as one; the school with most behind items holds it back. */
  community: { total: number; met: number; holdingBack: HoldingBack | null };
  schools: SchoolStanding[];
  /** Activities of the term dated after today. */
  plannedActivities: number;
}

function window(per: TargetSpec["per"], term: Term): { start: string; end: string; periods: number } {
  if (per === "year") {
    const s = DateTime.fromISO(term.start);
    const year = s.month >= 9 ? s.year : s.year - 1;
    return { start: `${year}-09-01`, end: `${year + 1}-08-31`, periods: 1 };
  }
  if (per === "week") return { ...term, periods: Math.max(1, Math.ceil((daysBetween(term.start, term.end) + 1) / 7)) };
  if (per === "month") {
    const s = DateTime.fromISO(term.start);
    const e = DateTime.fromISO(term.end);
    return { ...term, periods: (e.year - s.year) * 12 + e.month - s.month + 1 };
  }
  return { ...term, periods: 1 };
}

/**
 * An activity of a mentor pair: linked to it, or naming both mentor and mentee. The one rule the
 * digest, the ledger's pair sheet and the summary use; the mentor's own targets below count the
 * same records (the mentor named, and the pair linked or the mentee named too).
 */
export function pairActivity(a: Pick<ProgressActivity, "people" | "pairId">, pair: { id: number; mentor: { name: string }; mentee: { name: string } }): boolean {
  return a.pairId === pair.id || (a.people.includes(pair.mentor.name) && a.people.includes(pair.mentee.name));
}

const involved = (a: ProgressActivity): Set<number> => new Set([a.hostSchoolId, a.givingSchoolId, ...a.receiverSchoolIds, ...a.schoolIds].filter((x): x is number => x !== null));

function activityMatches(a: ProgressActivity, scope: ItemScope, target: TargetSpec): boolean {
  switch (scope.type) {
    case "community":
      return true;
    case "school":
      return involved(a).has(scope.schoolId);
    case "pair": {
      if (!scope.directed) {
        const set = involved(a);
        return set.has(scope.giverId) && set.has(scope.receiverId);
      }
      const atReceiver = target.scope.type === "pair" && target.scope.atReceiver;
      return a.givingSchoolId === scope.giverId && a.receiverSchoolIds.includes(scope.receiverId) && (!atReceiver || a.hostSchoolId === scope.receiverId);
    }
    case "mentor":
      if (scope.side === "mentee") return a.people.includes(scope.person);
      return a.people.includes(scope.person) && (a.pairId === scope.pairId || a.people.includes(scope.partner));
  }
}

function pairMatches(p: ProgressMentorPair, scope: ItemScope): boolean {
  const [m, e] = [p.mentor.schoolId, p.mentee.schoolId];
  switch (scope.type) {
    case "community":
      return true;
    case "school":
      return m === scope.schoolId || e === scope.schoolId;
    case "pair":
      if (scope.directed) return m === scope.giverId && e === scope.receiverId;
      return (m === scope.giverId && e === scope.receiverId) || (m === scope.receiverId && e === scope.giverId);
    case "mentor":
      return false;
  }
}

/** The instances of a target's scope in this community, with the schools each is counted against. */
function instances(scope: TargetScope, schools: readonly ProgressSchool[], pairs: readonly ProgressMentorPair[]): { scope: ItemScope; accountable: number[] }[] {
  switch (scope.type) {
    case "community":
      return [{ scope: { type: "community" }, accountable: [] }];
    case "school":
      return schools.filter((s) => scope.role === null || s.role === scope.role).map((s) => ({ scope: { type: "school", schoolId: s.id }, accountable: [s.id] }));
    case "pair": {
      const out: { scope: ItemScope; accountable: number[] }[] = [];
      const givers = schools.filter((s) => s.role === scope.giver);
      const receivers = schools.filter((s) => s.role === scope.receiver);
      for (const g of givers) {
        for (const r of receivers) {
          if (g.id === r.id || (!scope.directed && scope.giver === scope.receiver && g.id > r.id)) continue;
          out.push({ scope: { type: "pair", giverId: g.id, receiverId: r.id, directed: scope.directed }, accountable: scope.directed ? [g.id] : [g.id, r.id] });
        }
      }
      return out;
    }
    case "mentor": {
      const seen = new Set<string>();
      const out: { scope: ItemScope; accountable: number[] }[] = [];
      for (const p of pairs) {
        const [me, other] = scope.side === "mentor" ? [p.mentor, p.mentee] : [p.mentee, p.mentor];
        // A mentee's own quota counts once, however many mentors they have.
        const key = scope.side === "mentor" ? `${p.id}` : me.name;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
          scope: { type: "mentor", side: scope.side, pairId: p.id, person: me.name, partner: other.name, schoolId: me.schoolId, partnerSchoolId: other.schoolId },
          accountable: me.schoolId === null ? [] : [me.schoolId],
        });
      }
      return out;
    }
  }
}

/**
 * The schools holding the community back: the largest share of their own items unmet (then the
 * most unmet); several when they stand exactly level, so none is singled out by list order. Not
 * the most unmet items: the core school gives to every member school, so it carries several
 * times their items and would be named almost always, even while a member school has done nearly
 * none of its own (seed 002 by hand: core 23 of 40 unmet, 石门 9 of 11).
 */
function holdingBackOf(standings: readonly SchoolStanding[]): HoldingBack | null {
  const behind = standings.filter((s) => s.behind > 0);
  // Compared as fractions (a·d vs c·b) so equal shares are equal, not two floats.
  const worse = (a: SchoolStanding, b: SchoolStanding) => a.behind * b.items.length - b.behind * a.items.length || a.behind - b.behind;
  const worst = behind.reduce<SchoolStanding | undefined>((w, s) => (!w || worse(s, w) > 0 ? s : w), undefined);
  if (!worst) return null;
  return { schools: behind.filter((s) => worse(s, worst) === 0).map((s) => s.school), behind: worst.behind, of: worst.items.length };
}

const byUrgency = (a: ProgressItem, b: ProgressItem) => Number(a.met) - Number(b.met) || b.remaining - a.remaining;

export function computeProgress(input: ProgressInput): ProgressReport {
  const { term, today, schools, pairs } = input;
  const items: ProgressItem[] = [];
  for (const target of input.targets) {
    const w = window(target.per, term);
    const min = target.min * w.periods;
    const inWindow = input.activities.filter((a) => a.kind === target.kind && a.date >= w.start && a.date <= w.end);
    for (const { scope, accountable } of instances(target.scope, schools, pairs)) {
      let done = 0;
      let planned = 0;
      if (target.kind === PAIRS_KIND) {
        done = pairs.filter((p) => pairMatches(p, scope)).length;
      } else {
        for (const a of inWindow) {
          if (!activityMatches(a, scope, target)) continue;
          if (a.date > today) planned++;
          else done++;
        }
      }
      items.push({ target, scope, accountable, min, done, planned, met: done >= min, remaining: Math.max(0, min - done) });
    }
  }
  items.sort(byUrgency);

  const standings = schools.map((school) => {
    const mine = items.filter((i) => i.accountable.includes(school.id));
    const behind = mine.filter((i) => !i.met).length;
    return { school, items: mine, behind, met: mine.length - behind };
  });
  const met = items.filter((i) => i.met).length;
  return {
    term,
    today,
    weeksLeft: termWeeks(term, today).left,
    items,
    community: { total: items.length, met, holdingBack: holdingBackOf(standings) },
    schools: standings,
    plannedActivities: input.activities.filter((a) => a.date > today && a.date >= term.start && a.date <= term.end).length,
  };
}

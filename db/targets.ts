/** Targets as stored (the Target table) and as core/targets.ts describes them. */
import type { Term } from "../core/terms.ts";
import type { Per, SchoolRole, TargetSpec } from "../core/targets.ts";
import type { Tx } from "./client.ts";
import { overlapping, termIdFor } from "./terms.ts";

type TargetRow = {
  id: number;
  kind: string;
  minCount: number;
  per: string;
  label: string | null;
  scope: "community" | "school" | "pair" | "mentor";
  role: SchoolRole | null;
  receiverRole: SchoolRole | null;
  directed: boolean;
  atReceiver: boolean;
  side: string | null;
};

const PERS: readonly Per[] = ["term", "month", "week", "year"];

export function rowToSpec(r: TargetRow): TargetSpec {
  const per = PERS.includes(r.per as Per) ? (r.per as Per) : "term";
  const base = { id: r.id, kind: r.kind, min: r.minCount, per, ...(r.label ? { label: r.label } : {}) };
  switch (r.scope) {
    case "community":
      return { ...base, scope: { type: "community" } };
    case "school":
      return { ...base, scope: { type: "school", role: r.role } };
    case "pair":
      return { ...base, scope: { type: "pair", giver: r.role ?? "core", receiver: r.receiverRole ?? "member", directed: r.directed, atReceiver: r.atReceiver } };
    case "mentor":
      return { ...base, scope: { type: "mentor", side: r.side === "mentee" ? "mentee" : "mentor" } };
  }
}

export function specToRow(t: TargetSpec) {
  const s = t.scope;
  return {
    kind: t.kind,
    minCount: t.min,
    per: t.per,
    label: t.label ?? null,
    scope: s.type,
    role: s.type === "school" ? s.role : s.type === "pair" ? s.giver : null,
    receiverRole: s.type === "pair" ? s.receiver : null,
    directed: s.type === "pair" && s.directed,
    atReceiver: s.type === "pair" && s.atReceiver,
    side: s.type === "mentor" ? s.side : null,
  };
}

/** The targets stored for a community's term (by its dates, whatever it is called now), in the order they were set. */
export async function storedTargets(db: Tx, communityId: number, term: Term): Promise<TargetSpec[]> {
  const rows = await db.target.findMany({ where: { communityId, termRow: overlapping(term) }, orderBy: { id: "asc" } });
  return rows.map(rowToSpec);
}

/** Replaces a term's targets (a template, or the default copied before a first change). */
export async function replaceTargets(db: Tx, communityId: number, term: Term, targets: readonly TargetSpec[], at: Date): Promise<void> {
  await db.target.deleteMany({ where: { communityId, termRow: overlapping(term) } });
  const termId = await termIdFor(db, communityId, term);
  await db.target.createMany({ data: targets.map((t) => ({ ...specToRow(t), communityId, termId, createdAt: at })) });
}

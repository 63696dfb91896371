/**
 * Records one activity: takes the community's next number under its row lock, inserts the
 * activity and its audit entry, in one statement (the hot path of every /记录).
 */
import type { Tx } from "./client.ts";

export interface NewActivity {
  communityId: number;
  recorderId: number;
  kind: string;
  day: string; // YYYY-MM-DD
  hostSchoolId: number | null;
  schoolIds: number[];
  people: string[];
  subject: string | null;
  title: string | null;
  headcount: number | null;
  notes: string | null;
  sourceMessageKey: string;
}

export interface InsertedActivity {
  id: number;
  number: number;
  kind: string;
  date: Date;
  hostSchoolId: number | null;
  schoolIds: number[];
  people: string[];
  subject: string | null;
  title: string | null;
  headcount: number | null;
  notes: string | null;
}

export async function insertActivity(tx: Tx, a: NewActivity): Promise<InsertedActivity> {
  const rows = await tx.$queryRaw<InsertedActivity[]>`
    WITH seq AS (
      UPDATE "Community" SET "activitySeq" = "activitySeq" + 1 WHERE id = ${a.communityId} RETURNING "activitySeq" AS number
    ), ins AS (
      INSERT INTO "Activity" ("communityId", number, kind, date, "hostSchoolId", "schoolIds", people, subject, title, headcount, notes, "recorderId", "sourceMessageKey", "updatedAt")
      SELECT ${a.communityId}, seq.number, ${a.kind}, ${a.day}::date, ${a.hostSchoolId}::int, ${a.schoolIds}::int[], ${a.people}::text[],
             ${a.subject}, ${a.title}, ${a.headcount}::int, ${a.notes}, ${a.recorderId}, ${a.sourceMessageKey}, now()
      FROM seq
      RETURNING id, number, kind, date, "hostSchoolId", "schoolIds", people, subject, title, headcount, notes
    ), audit AS (
      INSERT INTO "AuditLog" ("communityId", "actorId", action, entity, "entityId", after)
      SELECT ${a.communityId}, ${a.recorderId}, 'create', 'activity', ins.id,
             jsonb_build_object('number', ins.number, 'kind', ins.kind, 'date', ${a.day}::text, 'hostSchoolId', ins."hostSchoolId", 'schoolIds', ins."schoolIds")
      FROM ins
    )
    SELECT * FROM ins`;
  const row = rows[0];
  if (!row) throw new Error(`community ${a.communityId} not found while recording`);
  return row;
}

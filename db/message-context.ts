/**
 * Everything the dispatcher needs about one message, in one round trip: whether it was processed
 * before, the chat's community, the sender as a member, a pending question, and the schools.
 * This runs for every message, so it is one SQL statement rather than five ORM queries.
 */
import type { ActivityValues } from "./activity-values.ts";
import { statementName, type Sql } from "./client.ts";

export interface ContextCommunity {
  id: number;
  name: string;
  timezone: string;
  termName: string | null;
  termStart: string | null;
  termEnd: string | null;
}

export type Role = "admin" | "principal" | "coordinator" | "teacher";

export interface ContextMember {
  id: number;
  displayName: string;
  roles: Role[];
  schoolId: number | null;
  /** Whether this account was shown the privacy notice; absent where a member is loaded otherwise. */
  noticed?: boolean;
}

export interface ContextPending {
  id: number;
  command: string;
  field: string;
  partial: Record<string, unknown>;
  expiresAt: string;
}

export interface ContextSchool {
  id: number;
  fullName: string;
  shortNames: string[];
  role: "core" | "member";
}

/** An activity as the context query returns it: the date as YYYY-MM-DD text. */
export interface ContextActivity extends ActivityValues {
  number: number;
  date: string;
}

export interface MessageContext {
  processed: unknown[] | null;
  /** The activity this very message already recorded (its source key), if any. */
  recorded: ContextActivity | null;
  community: ContextCommunity | null;
  member: ContextMember | null;
  pending: ContextPending | null;
  schools: ContextSchool[];
}

const CONTEXT_SQL = `
  WITH chat AS (
    SELECT c.id, c.name, c.timezone, c."termName", c."termStart", c."termEnd"
    FROM "ChatGroup" g JOIN "Community" c ON c.id = g."communityId"
    WHERE g.platform = $1 AND g."chatId" = $2
  )
  SELECT
    (SELECT replies FROM "ProcessedMessage" WHERE key = $4) AS processed,
    (SELECT row_to_json(a) FROM (
      SELECT number, kind, date, "hostSchoolId", "schoolIds", "givingSchoolId", "receiverSchoolIds", people, subject, title, headcount, notes
      FROM "Activity" WHERE "sourceMessageKey" = $4) a) AS recorded,
    (SELECT row_to_json(chat) FROM chat) AS community,
    (SELECT row_to_json(q) FROM (
      SELECT id, command, field, partial, "expiresAt" FROM "PendingQuestion"
      WHERE platform = $1 AND "chatId" = $2 AND "userId" = $3) q) AS pending,
    (SELECT row_to_json(mm) FROM (
      SELECT mb.id, mb."displayName", mb.roles, mb."schoolId", i."noticedAt" IS NOT NULL AS noticed
      FROM "PlatformIdentity" i JOIN "Member" mb ON mb.id = i."memberId"
      WHERE i."communityId" = (SELECT id FROM chat) AND i.platform = $1 AND i."userId" = $3) mm) AS member,
    (SELECT coalesce(json_agg(json_build_object('id', s.id, 'fullName', s."fullName", 'shortNames', s."shortNames", 'role', s.role) ORDER BY s.role, s.id), '[]'::json)
      FROM "School" s WHERE s."communityId" = (SELECT id FROM chat)) AS schools`;

export async function loadMessageContext(sql: Sql, m: { platform: string; chatId: string; senderId: string }, key: string): Promise<MessageContext> {
  const { rows } = await sql.query<MessageContext>({ ...statementName(sql, "message-context"), text: CONTEXT_SQL, values: [m.platform, m.chatId, m.senderId, key] });
  const row = rows[0];
  if (!row) throw new Error("message context query returned no row");
  return row;
}

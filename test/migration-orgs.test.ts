/**
 * Organisations need no migration (messages/orgs.ts): the single-org version stored bare platform
 * ids, and bare ids are the legacy organisation's. Checked on a database of its own with every
 * migration applied over rows written as the single-org version wrote them: the message context
 * (db/message-context.ts, the hot path) finds chat, member and pending question for a message of
 * the legacy organisation, and nothing of them for the same ids in another organisation.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMessageContext } from "../db/message-context.ts";
import { qualify } from "../messages/orgs.ts";
import { databaseBefore } from "./support/migration-db.ts";

// Sorts after every migration folder: all of them are applied.
const db = databaseBefore("99999999999999_after_all");
let pool: pg.Pool;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
});
afterAll(async () => pool?.end());

describe("rows of the single-org version, after every migration", () => {
  it("are the legacy organisation's: its messages find them, the same ids in another organisation do not", async () => {
    const q = db.q;
    const community = (await q(`INSERT INTO "Community" (name) VALUES ('旧共同体') RETURNING id`))[0].id as number;
    await q(`INSERT INTO "ChatGroup" ("communityId", platform, "chatId") VALUES ($1, 'wecom', 'wrkChat1')`, [community]);
    const member = (await q(`INSERT INTO "Member" ("communityId", "displayName", roles) VALUES ($1, '王主任', '{admin}') RETURNING id`, [community]))[0].id as number;
    await q(`INSERT INTO "PlatformIdentity" ("memberId", "communityId", platform, "userId") VALUES ($1, $2, 'wecom', 'wangzhuren')`, [member, community]);
    await q(
      `INSERT INTO "PendingQuestion" ("communityId", platform, "chatId", "userId", command, partial, field, "expiresAt") VALUES ($1, 'wecom', 'wrkChat1', 'wangzhuren', '记录', '{}', 'date', now() + interval '10 minutes')`,
      [community],
    );

    const of = (org: string) => ({ platform: "wecom", chatId: qualify(org, "wrkChat1"), senderId: qualify(org, "wangzhuren") });
    const legacy = await loadMessageContext(pool, of("default"), "wecom:wrkChat1:m1");
    expect(legacy.community?.id).toBe(community);
    expect(legacy.member).toMatchObject({ id: member, roles: ["admin"] });
    expect(legacy.pending?.command).toBe("记录");
    const other = await loadMessageContext(pool, of("north"), "wecom:north~wrkChat1:north~m1");
    expect([other.community, other.member, other.pending]).toEqual([null, null, null]);
  });
});

/**
 * Migration 20261202013000 on members of earlier versions: roles that were handed to whichever
 * account first spoke under an admin's name are suspended until an admin confirms them; a
 * member whose account came with it (its own first message), or was vouched for by /关联, keeps
 * its roles; a community's last admin keeps the admin role. Runs on a database of its own.
 */
import { describe, expect, it } from "vitest";
import { databaseBefore } from "./support/migration-db.ts";

const MIGRATION = "20261202013000_member_identity";
const db = databaseBefore(MIGRATION);
const apply = db.apply;

describe(`migration ${MIGRATION}`, () => {
  it("suspends roles given by display name, keeps roles that came with the account, and never locks a community out", async () => {
    const q = db.q;
    const community = async (n: string) => (await q(`INSERT INTO "Community" (name) VALUES ($1) RETURNING id`, [n]))[0].id as number;
    const t0 = new Date("2026-10-01T00:00:00Z");
    const later = new Date("2026-10-03T00:00:00Z");
    const member = async (c: number, n: string, roles: string, accountAt: Date | null) => {
      const id = (await q(`INSERT INTO "Member" ("communityId", "displayName", roles, "createdAt") VALUES ($1, $2, $3::"MemberRole"[], $4) RETURNING id`, [c, n, roles, t0]))[0].id as number;
      if (accountAt) await q(`INSERT INTO "PlatformIdentity" ("memberId", "communityId", platform, "userId", "createdAt") VALUES ($1, $2, 'dingtalk', $3, $4)`, [id, c, `u${id}`, accountAt]);
      return id;
    };
    const a = await community("甲共同体");
    const binder = await member(a, "王主任", "{admin}", t0); // spoke first: its account came with it
    const byName = await member(a, "王芳", "{principal}", later); // named by the admin, linked by name later
    const byNameAdmin = await member(a, "李四", "{admin,coordinator}", later);
    const vouched = await member(a, "赵六", "{coordinator}", later);
    await q(`INSERT INTO "AuditLog" ("communityId", "actorId", action, entity, "entityId", at) VALUES ($1, $2, 'link', 'member', $3, $4)`, [a, binder, vouched, later]);
    const teacher = await member(a, "孙七", "{teacher}", later);
    const placeholder = await member(a, "周八", "{principal}", null);
    const b = await community("乙共同体");
    const onlyAdmin = await member(b, "钱九", "{admin,principal}", later);

    await apply(MIGRATION);

    const rows = new Map(
      (await q(`SELECT id, roles::text[] AS roles, "unconfirmedRoles"::text[] AS pending FROM "Member"`)).map((r) => [r.id as number, { roles: r.roles as string[], pending: r.pending as string[] }]),
    );
    expect(rows.get(binder)).toEqual({ roles: ["admin"], pending: [] });
    expect(rows.get(byName)).toEqual({ roles: ["teacher"], pending: ["principal"] });
    expect(rows.get(byNameAdmin)).toEqual({ roles: ["teacher"], pending: ["admin", "coordinator"] });
    expect(rows.get(vouched)).toEqual({ roles: ["coordinator"], pending: [] });
    expect(rows.get(teacher)).toEqual({ roles: ["teacher"], pending: [] });
    // A placeholder never had an account: it grants nothing already and stays as it is.
    expect(rows.get(placeholder)).toEqual({ roles: ["principal"], pending: [] });
    // 乙's only admin keeps the admin role (the community would be locked out), not the principal role.
    expect(rows.get(onlyAdmin)).toEqual({ roles: ["teacher", "admin"], pending: ["principal"] });
    const pending = await q(`SELECT id, "identityNoticePending" AS p FROM "Community" ORDER BY id`);
    expect(pending.map((r) => r.p)).toEqual([true, true]);
  });
});

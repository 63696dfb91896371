/** Small helpers shared by command handlers: roles, audit log, date columns, names. */
import type { Prisma } from "../../db/client.ts";
import { UserError } from "./errors.ts";
import type { SchoolInfo } from "./recognize.ts";
import type { BoundContext, Role } from "./types.ts";

export const ROLE_NAMES: Record<Role, string> = { admin: "管理员", principal: "校长", coordinator: "联络员", teacher: "教师" };

export const ROLE_CHOICES: Readonly<Record<string, Role>> = {
  管理员: "admin",
  admin: "admin",
  组长: "admin",
  校长: "principal",
  principal: "principal",
  联络员: "coordinator",
  协调员: "coordinator",
  教务主任: "coordinator",
  coordinator: "coordinator",
  教师: "teacher",
  老师: "teacher",
  teacher: "teacher",
};

export function requireRole(ctx: BoundContext, roles: readonly Role[], what: string): void {
  if (ctx.member.roles.some((r) => roles.includes(r))) return;
  const names = roles.map((r) => ROLE_NAMES[r]).join("或");
  throw new UserError(`只有${names}可以${what}。如需权限，请联系本共同体管理员。`);
}

export async function audit(ctx: BoundContext, action: string, entity: string, entityId: number | null, before: Prisma.InputJsonValue | null, after: Prisma.InputJsonValue | null): Promise<void> {
  await ctx.db.auditLog.create({
    data: {
      communityId: ctx.community.id,
      actorId: ctx.member.id,
      action,
      entity,
      entityId,
      at: ctx.now,
      ...(before === null ? {} : { before }),
      ...(after === null ? {} : { after }),
    },
  });
}

export function schoolName(schools: readonly SchoolInfo[], id: number | null | undefined): string | undefined {
  return schools.find((s) => s.id === id)?.fullName;
}

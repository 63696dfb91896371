/** Checks shared by /注销 and /删除成员: a community is never left without an admin. */
import type { Tx } from "../../db/client.ts";
import { UserError } from "../core/errors.ts";

export async function refuseIfSoleAdmin(db: Pick<Tx, "member">, m: { id: number; communityId: number; roles: readonly string[] }, communityName: string, who: "你" | "该成员"): Promise<void> {
  if (!m.roles.includes("admin")) return;
  const others = await db.member.count({ where: { communityId: m.communityId, roles: { has: "admin" }, erasedAt: null, id: { not: m.id } } });
  if (others > 0) return;
  throw new UserError(`${who}是「${communityName}」唯一的管理员。请先用 /成员 把另一位成员设为管理员（例如：/成员 张三 管理员），再删除。`);
}

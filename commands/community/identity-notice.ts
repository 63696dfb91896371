/**
 * Told once to the next admin who speaks after the identity migration: which members' roles an
 * earlier version had given by display name and are now suspended, and how to confirm them for
 * the right account. Cleared in the same transaction as the reply that says it.
 */
import type { Tx } from "../../db/client.ts";
import type { Reply } from "../../messages/messages.ts";
import { ROLE_NAMES } from "../core/support.ts";

export async function identityNotice(tx: Tx, communityId: number): Promise<Reply | null> {
  const cleared = await tx.community.updateMany({ where: { id: communityId, identityNoticePending: true }, data: { identityNoticePending: false } });
  if (cleared.count === 0) return null;
  const members = await tx.member.findMany({ where: { communityId, NOT: { unconfirmedRoles: { isEmpty: true } } }, orderBy: { id: "asc" } });
  if (members.length === 0) return null;
  const names = members.map((m) => `${m.displayName}（${m.unconfirmedRoles.map((r) => ROLE_NAMES[r]).join("、")}）`);
  const first = members[0]!;
  const role = ROLE_NAMES[first.unconfirmedRoles[0]!];
  return {
    text: [
      `⚠️ 安全升级：以前的版本按显示名认人，谁先用这个名字发言，角色就给了谁。以下 ${members.length} 位成员的角色已暂停（现在按教师对待），请确认账号后恢复：${names.join("、")}。`,
      `确认方法：在群里 @ 本人发送 /成员 @${first.displayName} ${role}（企业微信请写 账号=本人账号），或确认发言的就是本人后发送 /成员 ${first.displayName} ${role}。`,
    ].join("\n"),
  };
}

/**
 * Deleting a person's data on request (PIPL 第47条) while the community's books stay whole: the
 * member row stays, renamed 已注销成员 with no platform account, so the activities, pairs and
 * attendance it is part of keep counting. What goes: every platform identity, the name wherever
 * the community's text carries it, their stored messages and pending questions, link codes, and
 * pushes addressed to them. Chat keys of their 1:1 chats (which are their user id) are rewritten
 * to a placeholder. The audit log keeps that a deletion happened, not who it was.
 */
import { readLedger } from "../../core/ledger/read.ts";
import { ERASED_NAME } from "../../core/privacy/statement.ts";
import type { Tx } from "../client.ts";
import { recordFileDeletions } from "../file-deletions.ts";
import { type Replacement, scrubCommunityText } from "./scrub.ts";

export interface ErasedMember {
  communityId: number;
  memberId: number;
}

/** A placeholder for a deleted account in keys (never a real platform user id, unique per member). */
const erasedKey = (memberId: number) => `erased-${memberId}`;

export async function eraseMember(tx: Tx, target: ErasedMember, actorId: number | null, now: Date): Promise<void> {
  const { communityId, memberId } = target;
  const member = await tx.member.findUnique({ where: { id: memberId }, include: { identities: true } });
  if (!member || member.communityId !== communityId || member.erasedAt) return;
  const placeholder = erasedKey(memberId);
  const accounts = member.identities.map((i) => ({ platform: i.platform, userId: i.userId }));

  // Their own messages, questions, codes and pushes first: nothing to scrub in what is deleted.
  await tx.processedMessage.deleteMany({ where: { memberId } });
  await tx.linkCode.deleteMany({ where: { memberId } });
  // An outstanding /认领码 would hand the emptied member (and its records) to whoever holds it.
  await tx.memberClaim.deleteMany({ where: { memberId } });
  for (const a of accounts) {
    await tx.processedMessage.deleteMany({ where: { communityId, key: { startsWith: `${a.platform}:${a.userId}:` } } });
    await tx.pendingQuestion.deleteMany({ where: { communityId, platform: a.platform, userId: a.userId } });
    await tx.heldPicture.deleteMany({ where: { communityId, platform: a.platform, userId: a.userId } });
    await tx.delivery.deleteMany({ where: { recipient: `user:${a.platform}:${a.userId}` } });
    await tx.linkCodeFailure.deleteMany({ where: { platform: a.platform, userId: a.userId } });
  }
  await forgetImportsNaming(tx, communityId, [...([...member.displayName].length >= 2 ? [member.displayName] : []), ...accounts.map((a) => a.userId)]);

  // Keys of records made in their 1:1 chat carry the chat id, which is their user id.
  const replacements: Replacement[] = [];
  for (const a of accounts) {
    replacements.push({ from: `${a.platform}:${a.userId}:`, to: `${a.platform}:${placeholder}:` });
    replacements.push({ from: a.userId, to: placeholder, whole: true });
  }
  // A name of one character would match inside other words; such a name is replaced only as a whole item.
  if ([...member.displayName].length >= 2) replacements.unshift({ from: member.displayName, to: ERASED_NAME });
  else await tx.$executeRaw`UPDATE "Activity" SET people = array_replace(people, ${member.displayName}, ${ERASED_NAME}) WHERE "communityId" = ${communityId} AND ${member.displayName} = ANY(people)`;
  await tx.platformIdentity.deleteMany({ where: { memberId } });
  await scrubCommunityText(tx, communityId, replacements);
  await tx.member.update({ where: { id: memberId }, data: { displayName: ERASED_NAME, erasedAt: now, roles: ["teacher"], unconfirmedRoles: [], digest: false } });
  await tx.auditLog.create({ data: { communityId, actorId: actorId === memberId ? null : actorId, action: "erase", entity: "member", entityId: memberId, at: now } });
}

/**
 * Uploaded ledgers (/导入) that name the person keep no copy of them: the file's bytes are
 * emptied (the records made from it stay, already scrubbed like any other). Read as the import
 * reads it, since an .xlsx is compressed and its text cannot be searched as bytes.
 */
async function forgetImportsNaming(tx: Tx, communityId: number, needles: string[]): Promise<void> {
  if (needles.length === 0) return;
  const imports = await tx.ledgerImport.findMany({ where: { communityId }, select: { id: true, fileName: true, data: true } });
  for (const f of imports) {
    if (f.data.length === 0) continue;
    const bytes = Buffer.from(f.data);
    const read = await readLedger(bytes, f.fileName);
    const text = read.ok ? JSON.stringify(read.rows) : bytes.toString("utf8");
    if (needles.some((n) => text.includes(n))) await tx.ledgerImport.update({ where: { id: f.id }, data: { data: new Uint8Array() } });
  }
}

/** The accounts' district-admin roles go with a person's own /注销 (they are the same person). */
export async function eraseDistrictRoles(tx: Tx, platform: string, userId: string): Promise<number> {
  const gone = await tx.districtAdmin.deleteMany({ where: { platform, userId } });
  await tx.delivery.deleteMany({ where: { recipient: `user:${platform}:${userId}` } });
  // Wrong /关联 codes are counted per account, outside any community.
  await tx.linkCodeFailure.deleteMany({ where: { platform, userId } });
  return gone.count;
}

/**
 * Everything of a community, files included. Activities go first: their recorder is a member
 * (ON DELETE RESTRICT), and the rest cascades from the community row; its photo files go in the
 * same transaction.
 */
export async function eraseCommunity(tx: Tx, communityId: number): Promise<void> {
  const community = await tx.community.findUniqueOrThrow({ where: { id: communityId }, select: { name: true } });
  // A district's own pushes name its communities.
  await scrubDistrictPayloads(tx, community.name);
  await tx.activity.deleteMany({ where: { communityId } });
  await tx.community.delete({ where: { id: communityId } });
  // The photo files live in the shared file store under photos/<community>/ (db/photos.ts photoKey): in PostgreSQL they go in
  // the same transaction; in a bucket, recorded here and deleted after the commit (db/file-deletions.ts).
  await tx.$executeRaw`DELETE FROM "StoredFile" WHERE key LIKE ${`photos/${communityId}/%`}`;
  await recordFileDeletions(tx, [`photos/${communityId}/`], { under: true });
}

async function scrubDistrictPayloads(tx: Tx, name: string): Promise<void> {
  const inJson = JSON.stringify(name).slice(1, -1);
  await tx.$executeRaw`UPDATE "Delivery" SET payload = replace(payload::text, ${inJson}, '已删除的共同体')::jsonb WHERE "districtId" IS NOT NULL AND strpos(payload::text, ${inJson}) > 0`;
}

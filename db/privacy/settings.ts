/** A community's privacy settings (CommunityPrivacy), with the deployment's defaults filled in. */
import { DEFAULT_RETENTION, effectiveRetention, type RetentionPolicy } from "../../core/privacy/policy.ts";
import type { Tx } from "../client.ts";

export interface CommunityPrivacySettings {
  contact: string | null;
  retention: RetentionPolicy;
}

type Reader = Pick<Tx, "communityPrivacy">;

export async function privacyOf(db: Reader, communityId: number, defaults: RetentionPolicy = DEFAULT_RETENTION): Promise<CommunityPrivacySettings> {
  const own = await db.communityPrivacy.findUnique({ where: { communityId } });
  return { contact: own?.contact ?? null, retention: effectiveRetention(defaults, own) };
}

export async function setPrivacy(db: Reader, communityId: number, change: { contact?: string | null; messageDays?: number; photoTerms?: number }, now: Date): Promise<void> {
  await db.communityPrivacy.upsert({ where: { communityId }, create: { communityId, ...change, updatedAt: now }, update: { ...change, updatedAt: now } });
}

/** What an admin is told once, in their next reply: pushes refused for quota, roles suspended by the identity migration. */
import type { Tx } from "../../db/client.ts";
import type { Reply } from "../../messages/messages.ts";
import { quotaNotice } from "../activities/quota-notice.ts";
import { identityNotice } from "./identity-notice.ts";

export async function adminNotices(tx: Tx, communityId: number, timezone: string): Promise<Reply | null> {
  const notices = [await quotaNotice(tx, communityId, timezone), await identityNotice(tx, communityId)].filter((n): n is Reply => n !== null);
  if (notices.length === 0) return null;
  return { text: notices.map((n) => n.text).join("\n\n") };
}

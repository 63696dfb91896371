/** Signed, expiring links to the progress chart (GET /c/<token>, rendered when opened). */
import { signToken } from "../../core/signed-token.ts";
import type { FormSettings } from "../core/types.ts";

export type ChartPayload = {
  w: "chart";
  /** community, and the member who asked (checked again when the link is opened); no member for a group's digest */
  c: number;
  m?: number;
  exp: number;
};

export function chartLink(settings: Pick<FormSettings, "baseUrl" | "secret" | "ttlMs">, communityId: number, memberId: number | null, now: Date): string {
  const payload: ChartPayload = { w: "chart", c: communityId, ...(memberId === null ? {} : { m: memberId }), exp: now.getTime() + settings.ttlMs };
  return `${settings.baseUrl}/c/${signToken(settings.secret, payload)}`;
}

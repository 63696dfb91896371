/** Signed, expiring links to the progress chart (GET /c/<token>, rendered when opened). */
import { signToken } from "../core/signed-token.ts";
import type { FormSettings } from "./types.ts";

export type ChartPayload = {
  w: "chart";
  /** community, and the member who asked (checked again when the link is opened) */
  c: number;
  m: number;
  exp: number;
};

export function chartLink(settings: Pick<FormSettings, "baseUrl" | "secret" | "ttlMs">, communityId: number, memberId: number, now: Date): string {
  const payload: ChartPayload = { w: "chart", c: communityId, m: memberId, exp: now.getTime() + settings.ttlMs };
  return `${settings.baseUrl}/c/${signToken(settings.secret, payload)}`;
}

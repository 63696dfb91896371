/**
 * Signed links, all kinds in one place: `signLink` makes the URL of a payload (commands and the
 * web make links), `verifyLink` checks a token for the route that received it (web/ opens them).
 * A token opened at another kind's route is refused (403), and its payload never reaches a
 * query unchecked. Signing itself is core/signed-token.ts. Pure: secret and clock passed in.
 */
import { signToken, verifyToken } from "../signed-token.ts";
import { type LinkKind, type LinkOf, type LinkPayload, linkPayloadSchema, upgradeLegacy } from "./payload.ts";

export * from "./payload.ts";

/** Where links point and the key that signs them (config: PUBLIC_BASE_URL, FORM_SECRET). */
export interface LinkSigning {
  /** e.g. https://bot.example.edu.cn (no trailing slash) */
  baseUrl: string;
  secret: string;
}

/** Link signing plus how long a link handed out in a chat stays valid: the deployment's one forms setting (app/forms.ts). */
export interface FormSettings extends LinkSigning {
  ttlMs: number;
}

/** The URL of a signed link: `<base>/<kind>/<token>`. */
export function signLink(signing: LinkSigning, payload: LinkPayload): string {
  return `${signing.baseUrl}/${payload.l}/${signToken(signing.secret, payload)}`;
}

export type LinkCheck<K extends LinkKind> = { ok: true; payload: LinkOf<K> } | { ok: false; reason: "tampered" | "expired" | "wrong-kind" };

/** Signature (constant time) and expiry, then the payload's shape, then that it is the route's kind. */
export function verifyLink<K extends LinkKind>(secret: string, token: string, now: Date, kind: K): LinkCheck<K> {
  const check = verifyToken<Record<string, unknown> & { exp: number }>(secret, token, now);
  if (!check.ok) return check;
  const parsed = linkPayloadSchema.safeParse(upgradeLegacy(check.payload));
  if (!parsed.success) return { ok: false, reason: "tampered" };
  if (parsed.data.l !== kind) return { ok: false, reason: "wrong-kind" };
  return { ok: true, payload: parsed.data as LinkOf<K> };
}

/** The community's progress chart, rendered when opened; the member who asked is checked again then (none for a group's digest). */
export function chartLink(signing: FormSettings, communityId: number, memberId: number | null, now: Date): string {
  return signLink(signing, { l: "c", w: "chart", c: communityId, ...(memberId === null ? {} : { m: memberId }), exp: now.getTime() + signing.ttlMs });
}

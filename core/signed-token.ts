/**
 * Signed, expiring tokens for links the bot hands out (web forms, photo and file downloads).
 * A token is `<base64url(JSON payload)>.<base64url(HMAC-SHA256)>`; the payload carries its own
 * expiry. Pure: the clock and the secret are passed in, so tests move time instead of waiting.
 *
 * One canonical spelling: unpadded base64url only. The signature is compared as the exact text we
 * would write (so `…==`, `+`/`/` or trailing junk that decodes to the same bytes is refused), and
 * the payload must re-encode to itself.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export type TokenCheck<T> = { ok: true; payload: T } | { ok: false; reason: "tampered" | "expired" };

const BASE64URL = /^[A-Za-z0-9_-]+$/;

const mac = (secret: string, body: string) => createHmac("sha256", secret).update(body).digest();

export function signToken(secret: string, payload: Record<string, unknown> & { exp: number }): string {
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${mac(secret, body).toString("base64url")}`;
}

/** Checks the signature in constant time, then the expiry against `now`. */
export function verifyToken<T extends { exp: number }>(secret: string, token: string, now: Date): TokenCheck<T> {
  const [body, sig, extra] = token.split(".");
  if (!body || !sig || extra !== undefined || !BASE64URL.test(body) || !BASE64URL.test(sig)) return { ok: false, reason: "tampered" };
  const given = Buffer.from(sig, "ascii");
  const expected = Buffer.from(mac(secret, body).toString("base64url"), "ascii");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "tampered" };
  if (Buffer.from(body, "base64url").toString("base64url") !== body) return { ok: false, reason: "tampered" };
  let payload: T;
  try {
    payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as T;
  } catch {
    return { ok: false, reason: "tampered" };
  }
  if (typeof payload?.exp !== "number") return { ok: false, reason: "tampered" };
  return payload.exp <= now.getTime() ? { ok: false, reason: "expired" } : { ok: true, payload };
}

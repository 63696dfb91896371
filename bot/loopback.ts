/** True for requests from this machine (127.0.0.0/8 or ::1, also IPv4-mapped). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith("::ffff:") ? address.slice(7) : address;
  return a === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/** True for a listening address that only this machine can reach (HOST=127.0.0.1, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || isLoopback(host);
}

/** Headers a reverse proxy adds: their presence means the TCP peer is not the real caller. */
export const FORWARDING_HEADERS = ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "via"] as const;

export const forwarded = (headers: Record<string, unknown>): boolean => FORWARDING_HEADERS.some((h) => headers[h] !== undefined);

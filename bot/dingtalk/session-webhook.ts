/**
 * A message's `sessionWebhook` comes in the message body, which in HTTP mode the signature does
 * not cover: a forged body could name any URL and have the bot post its answer (a signed ledger
 * link) there. Answers go only to DingTalk's own session endpoint, `<oapi host>/robot/sendBySession`
 * (the form every robot message carries; private deployments configure the hosts as
 * DINGTALK_OAPI_BASE / DINGTALK_API_BASE). Anything else is ignored and the answer goes through the
 * OpenAPI to the conversation or user the message names.
 */
export const SESSION_PATH = "/robot/sendBySession";

export function sessionWebhookAllowed(url: string, bases: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username || u.password || u.pathname !== SESSION_PATH) return false;
  return bases.some((b) => {
    try {
      return new URL(b).origin === u.origin;
    } catch {
      return false;
    }
  });
}

/**
 * Platform sign-in for the bot's web pages, as a port: web/ asks where to send the browser and,
 * when it comes back, whose account it was. Each platform's adapter lives beside its other API
 * code (bot/wecom/web-login.ts, bot/dingtalk/web-login.ts); web/ never calls a platform itself.
 */
export interface WebLogin {
  /** The platform whose user ids it returns (the same account key the bot uses for a sender). */
  readonly platform: "wecom" | "dingtalk";
  /** The organisation whose app signs in (messages/orgs.ts); absent: the legacy one. Its user ids are qualified by it. */
  readonly org?: string;
  /** What the sign-in button calls the organisation when a platform has several. */
  readonly orgName?: string;
  /** The platform's authorize URL that comes back to `redirectUri` with a code and `state`. */
  authorizeUrl(redirectUri: string, state: string): string;
  /** The query parameter the platform returns the code in. */
  readonly codeParam: string;
  /** The platform user id behind a one-time code, or undefined when the platform refuses it. */
  userIdFor(code: string): Promise<string | undefined>;
}

/** A refusal the user can do something about (not a member of the organisation, code used twice). */
export class SignInRefused extends Error {
  override readonly name = "SignInRefused";
}

/**
 * A UserError carries the Chinese text shown to the user; it is expected, not logged as a failure.
 * Anything else is a bug: logged with the job id, and the user sees a short apology with a reference.
 */
export class UserError extends Error {
  override readonly name = "UserError";
  /**
   * When the input was ambiguous: the word, and what it could mean (offered as a choice card);
   * `within` is the whole typed piece when the word was only part of it (柳河乡 in 县一小到柳河乡).
   */
  constructor(
    readonly userText: string,
    readonly ambiguity?: { word: string; options: readonly string[]; within?: string },
  ) {
    super(userText);
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/** Thrown by a handler that needs one more field: the bot asks for it and waits for the answer. */
export class AskError extends Error {
  override readonly name = "AskError";
  /**
   * `question` replaces the field's fixed question (e.g. one naming the date to confirm);
   * `communityId` files the question under a community when the chat has none yet (/绑定).
   */
  constructor(
    readonly field: string,
    readonly partial: Record<string, unknown>,
    readonly question?: string,
    readonly communityId?: number,
    /** Buttons for the answers (each a message the person could type); a card where the platform has one. */
    readonly choices?: readonly { label: string; command: string }[],
  ) {
    super(`ask ${field}`);
  }
}

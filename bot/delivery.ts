/**
 * What an adapter makes of one outbound message: an ordered list of sends. The outbound worker
 * runs them in order, remembers how many went out (a retry resumes after the last one), and
 * holds back any send whose rate bucket is full: it waits, it is never dropped.
 */
export interface Delivery {
  /** Rate-limit bucket (e.g. one robot webhook); absent when the platform imposes no per-minute cap. */
  bucket?: string;
  send(): Promise<void>;
}

/** Thrown by a send the platform refused for throttling: the message waits this long and goes again. */
export class ThrottledError extends Error {
  override readonly name = "ThrottledError";
  constructor(
    readonly retryAfterMs: number,
    detail: string,
  ) {
    super(`throttled: ${detail}`);
  }
}

/** Thrown by a send that can never succeed (bad address, refused content): not retried. */
export class UndeliverableError extends Error {
  override readonly name = "UndeliverableError";
}

/** The platform refuses the bot's own proactive sends to this conversation until `until` (a daily quota). */
export class QuotaExhaustedError extends UndeliverableError {
  constructor(
    message: string,
    readonly until: Date,
  ) {
    super(message);
  }
}

/**
 * An access token fetched on demand, cached, and refreshed before it expires (a margin of five
 * minutes, or a tenth of its life for short-lived test tokens); concurrent callers share one fetch.
 */
export class AccessToken {
  private value: { token: string; refreshAt: number } | undefined;
  private inflight: Promise<string> | undefined;

  constructor(
    private readonly fetchToken: () => Promise<{ token: string; expiresInS: number }>,
    private readonly now = () => Date.now(),
  ) {}

  async get(): Promise<string> {
    if (this.value && this.now() < this.value.refreshAt) return this.value.token;
    this.inflight ??= this.refresh().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** The platform said the token is invalid or expired: fetch a new one next time. */
  invalidate(): void {
    this.value = undefined;
  }

  private async refresh(): Promise<string> {
    const { token, expiresInS } = await this.fetchToken();
    const lifeMs = Math.max(0, expiresInS * 1000);
    const margin = Math.min(5 * 60_000, lifeMs / 10);
    this.value = { token, refreshAt: this.now() + lifeMs - margin };
    return token;
  }
}

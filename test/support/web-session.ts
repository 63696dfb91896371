/** A browser-like client for the signed-in pages: keeps cookies, signs in through the simulator's local form. */
import type { App } from "../../app/app.ts";

export class WebClient {
  private cookies = new Map<string, string>();
  constructor(readonly app: App) {}

  private remember(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      const [name, value] = [pair!.slice(0, i), pair!.slice(i + 1)];
      if (value === "" || /max-age=0/i.test(c) || /expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; location: string | null }> {
    const res = await fetch(`${this.app.url}${path}`, { redirect: "manual", headers: { cookie: this.cookieHeader, ...headers } });
    this.remember(res);
    return { status: res.status, text: await res.text(), location: res.headers.get("location") };
  }

  async postForm(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; text: string; location: string | null }> {
    const res = await fetch(`${this.app.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: this.cookieHeader, ...headers },
      body: new URLSearchParams(fields).toString(),
    });
    this.remember(res);
    return { status: res.status, text: await res.text(), location: res.headers.get("location") };
  }

  /** The CSRF token a page's form carries. */
  static csrfOf(html: string): string {
    return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  }

  async signInAsSim(userId: string): Promise<void> {
    const page = await this.get("/login/sim");
    const res = await this.postForm("/login/sim", { userId, next: "/", _csrf: WebClient.csrfOf(page.text) });
    if (res.status !== 303) throw new Error(`sim sign-in answered ${res.status}`);
  }
}

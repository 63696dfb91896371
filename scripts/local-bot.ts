/** For the terminal tools: use the bot already running on PORT, or start one in this process. */
import { startApp } from "../app/app.ts";
import { loadEnv } from "../config/env.ts";

export interface LocalBot {
  url: string;
  close(): Promise<void>;
}

export async function localBot(): Promise<LocalBot> {
  const env = loadEnv({ LOG_LEVEL: "warn", ...process.env });
  const running = `http://127.0.0.1:${env.PORT}`;
  const alive = await fetch(`${running}/healthz`).then(
    (r) => r.ok,
    () => false,
  );
  if (alive) return { url: running, close: async () => undefined };
  const app = await startApp({ env: { ...env, PORT: 0, SIMULATOR: true } });
  return { url: app.url, close: () => app.close() };
}

export async function say(url: string, body: { chatId: string; userId: string; userName: string; text: string; messageId?: string; chatType?: "group" | "direct" }): Promise<string[]> {
  const res = await fetch(`${url}/sim/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await res.json()) as { replies?: { text: string }[]; error?: string };
  return json.error ? [`（${json.error}）`] : (json.replies ?? []).map((r) => r.text);
}

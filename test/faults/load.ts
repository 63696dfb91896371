/**
 * The load generator, acting as a platform would: messages fired `concurrency` at a time through
 * the simulator, and every message without an answer (timeout, 5xx, connection refused while the
 * bot restarts) delivered again under the same message id until it is answered.
 */
export interface Message {
  index: number;
  chatId: string;
  userId: string;
  messageId: string;
  text: string;
  firstSentAt?: number;
  answeredAt?: number;
  answer?: string;
  deliveries: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function post(url: string, body: unknown, timeoutMs = 25_000): Promise<{ status: number; body: { replies?: { text: string }[]; error?: string } }> {
  const res = await fetch(`${url}/sim/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: (await res.json()) as { replies?: { text: string }[] } };
}

/** Sends one message until it is answered (or `deadline`); each retry is a redelivery. */
async function deliver(url: () => string, m: Message, deadline: number): Promise<void> {
  m.firstSentAt = Date.now();
  while (Date.now() < deadline) {
    m.deliveries++;
    try {
      const res = await post(url(), { chatId: m.chatId, userId: m.userId, userName: "王主任", text: m.text, messageId: m.messageId });
      if (res.status === 200) {
        m.answer = (res.body.replies ?? []).map((r) => r.text).join("\n");
        m.answeredAt = Date.now();
        return;
      }
      if (res.status !== 504 && res.status < 500) throw new Error(`unexpected ${res.status}: ${JSON.stringify(res.body)}`);
    } catch (e) {
      if (e instanceof Error && e.message.startsWith("unexpected")) throw e;
      // connection refused/reset or our own timeout: the bot is restarting; deliver again
    }
    await sleep(300);
  }
}

/** Runs the burst; `onProgress(sent)` is called as each message is first sent (the fault hooks in there). */
export async function burst(url: () => string, messages: Message[], concurrency: number, deadline: number, onProgress: (sent: number) => void): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < messages.length) {
      const m = messages[next++]!;
      onProgress(next);
      await deliver(url, m, deadline);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

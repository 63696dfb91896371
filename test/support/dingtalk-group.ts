/** A DingTalk group bound to a fresh community with one school, set up through the fake DingTalk as a user would. */
import type { FakeDingtalk } from "../fakes/dingtalk.ts";
import { waitFor } from "../fakes/http-util.ts";
import { unique } from "./env.ts";

export async function bindDingtalkGroup(fake: FakeDingtalk, conversationId: string, admin: string): Promise<void> {
  for (const [text, answer] of [
    [`/绑定 ${unique("共同体")}`, /绑定/],
    ["/学校 添加 清涧县第二小学 核心 二小", /二小/],
  ] as const) {
    const before = fake.sent.length;
    await fake.userSays({ conversationId, userId: admin, text });
    await waitFor(() => fake.sent.slice(before).find((s) => answer.test(JSON.stringify(s.body))), 10_000, text);
  }
}

/**
 * The fake DingTalk holds every app to the standard edition's 20 OpenAPI calls a second per API
 * (sources in test/fakes/dingtalk.ts): the 21st call inside a second is refused with 403
 * QpsLimitForAppkeyAndApi, another API still has its own 20, and the next second takes calls again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeDingtalk, fetchAccessToken } from "./fakes/dingtalk.ts";

const APP = { clientId: "dingfakeqps", clientSecret: "dt-fake-qps" };
let fake: FakeDingtalk;
let token: string;

beforeAll(async () => {
  fake = await new FakeDingtalk(APP).start();
  token = await fetchAccessToken(fake);
});
afterAll(async () => fake?.stop());

const text = JSON.stringify({ content: "周报" });
const toGroup = () =>
  fetch(`${fake.base}/v1.0/robot/groupMessages/send`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-acs-dingtalk-access-token": token },
    body: JSON.stringify({ msgKey: "sampleText", msgParam: text, openConversationId: "cid1", robotCode: APP.clientId }),
  });
const toUser = () =>
  fetch(`${fake.base}/v1.0/robot/oToMessages/batchSend`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-acs-dingtalk-access-token": token },
    body: JSON.stringify({ msgKey: "sampleText", msgParam: text, userIds: ["u1"], robotCode: APP.clientId }),
  });

describe("fake DingTalk OpenAPI rate limit", () => {
  it("takes 20 calls of one API in a second, refuses the rest as DingTalk does, and counts each API apart", async () => {
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 26 }, () => toGroup()));
    // The whole burst must land inside one second for the count to mean anything.
    expect(Date.now() - started).toBeLessThan(900);
    const refused = answers.filter((r) => r.status === 403);
    expect(answers.filter((r) => r.status === 200)).toHaveLength(20);
    expect(refused).toHaveLength(6);
    expect(((await refused[0]!.json()) as { code: string }).code).toBe("Forbidden.AccessDenied.QpsLimitForAppkeyAndApi");
    expect((await toUser()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1050));
    expect((await toGroup()).status).toBe(200);
    expect(fake.qpsRefusals).toBe(6);
  });
});

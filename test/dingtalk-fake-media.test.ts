/**
 * The fake DingTalk's media upload and sampleFile are as strict as the official docs say
 * (test/fakes/dingtalk-media.ts cites them): what our adapter gets away with here, it would get
 * away with on DingTalk too, and nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeDingtalk, fetchAccessToken } from "./fakes/dingtalk.ts";

const APP = { clientId: "dingfakemedia", clientSecret: "dt-fake-media" };
let fake: FakeDingtalk;
let token: string;

beforeAll(async () => {
  fake = await new FakeDingtalk(APP, { mediaMaxBytes: 2048 }).start();
  token = await fetchAccessToken(fake);
});
afterAll(async () => fake?.stop());

async function upload(o: { field?: string; name?: string; bytes?: number; type?: string; token?: string }) {
  const form = new FormData();
  form.append(o.field ?? "media", new Blob([new Uint8Array(o.bytes ?? 100)], { type: "application/octet-stream" }), o.name ?? "活动台账.xlsx");
  const res = await fetch(`${fake.base}/media/upload?access_token=${o.token ?? token}&type=${o.type ?? "file"}`, { method: "POST", body: form });
  expect(res.status).toBe(200); // oapi answers refusals with HTTP 200 and an errcode
  return (await res.json()) as { errcode: number; media_id?: string };
}

const sendFile = (param: Record<string, string>) =>
  fetch(`${fake.base}/v1.0/robot/groupMessages/send`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-acs-dingtalk-access-token": token },
    body: JSON.stringify({ msgKey: "sampleFile", msgParam: JSON.stringify(param), openConversationId: "cid1", robotCode: APP.clientId }),
  });

describe("fake DingTalk media upload and sampleFile", () => {
  it("accepts a file in the field 'media' and keeps its bytes and Chinese name", async () => {
    const a = await upload({ name: "2026年 活动台账.xlsx", bytes: 300 });
    expect(a.errcode).toBe(0);
    const kept = fake.uploads.get(a.media_id!)!;
    expect(kept).toMatchObject({ type: "file", fileName: "2026年 活动台账.xlsx" });
    expect(kept.bytes).toHaveLength(300);
  });

  it.each([
    ["the wrong multipart field", { field: "file" }, 41005],
    ["an empty file", { bytes: 0 }, 41005],
    ["a type the upload does not take", { name: "run.exe" }, 40005],
    ["a file over the size limit", { bytes: 4096 }, 40006],
    ["an unknown media type", { type: "document" }, 40004],
    ["a bad access token", { token: "nope" }, 40014],
  ])("refuses %s", async (_what, o, errcode) => {
    const before = fake.uploads.size;
    expect((await upload(o)).errcode).toBe(errcode);
    expect(fake.uploads.size).toBe(before);
  });

  it("sends sampleFile only for a media id this app uploaded, with a fileType the message takes", async () => {
    const a = await upload({});
    expect((await sendFile({ mediaId: a.media_id!, fileName: "活动台账.xlsx", fileType: "xlsx" })).status).toBe(200);
    expect((await sendFile({ mediaId: "@lAzunknown", fileName: "活动台账.xlsx", fileType: "xlsx" })).status).toBe(400);
    expect((await sendFile({ mediaId: a.media_id!, fileName: "活动台账.xlsx", fileType: "xls" })).status).toBe(400);
    expect((await sendFile({ mediaId: a.media_id!, fileName: "", fileType: "xlsx" })).status).toBe(400);
    expect(fake.sent.filter((s) => s.body.msgKey === "sampleFile")).toHaveLength(1);
  });
});

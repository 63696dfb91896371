/** DingTalk OpenAPI answers → our error classes (https://open.dingtalk.com/document/development/how-to-process-api-throttling-on-the-dingtalk-server). */
import { describe, expect, it } from "vitest";
import { ThrottledError, UndeliverableError } from "../../bot/delivery.ts";
import { classifyOpenApiError } from "../../bot/dingtalk/api.ts";
import { HttpStatusError } from "../../bot/http-json.ts";

describe("classifyOpenApiError", () => {
  it("HTTP 429 is throttling, with DingTalk's code and message in the error", () => {
    const e = classifyOpenApiError(new HttpStatusError(429, "x", { code: "Throttling", message: "请求过于频繁" }), "dingtalk groupMessages/send");
    expect(e).toBeInstanceOf(ThrottledError);
    expect(e.message).toMatch(/HTTP 429 Throttling 请求过于频繁/);
  });

  it("the organisation's monthly quota is undeliverable (retrying today cannot help); other errors pass through unchanged", () => {
    const monthly = classifyOpenApiError(new HttpStatusError(403, "x", { code: "Forbidden.AccessDenied.ApiCountLimitForOrg", message: "超出调用量" }), "dingtalk send");
    expect(monthly).toBeInstanceOf(UndeliverableError);
    expect(monthly.message).toContain("本组织本月的钉钉接口调用量已用完");
    const other = new HttpStatusError(400, "x", { code: "invalidParameter", message: "bad" });
    expect(classifyOpenApiError(other, "dingtalk send")).toBe(other);
    expect(classifyOpenApiError(new HttpStatusError(403, "x", { code: "Forbidden.AccessDenied.AccessTokenPermissionDenied" }), "d")).not.toBeInstanceOf(ThrottledError);
  });
});

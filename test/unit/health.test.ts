/** /healthz answers 200 only when both Redis and PostgreSQL answer. */
import { describe, expect, it } from "vitest";
import { createHttpServer } from "../../bot/http.ts";
import { createLogger } from "../../config/logger.ts";

describe("/healthz", () => {
  it.each([
    [{ redis: true, postgres: true }, 200],
    [{ redis: false, postgres: true }, 503],
    [{ redis: true, postgres: false }, 503],
    [{ redis: false, postgres: false }, 503],
  ])("%o → %i", async (status, code) => {
    const http = createHttpServer(createLogger("silent"), async () => status);
    const res = await http.inject({ method: "GET", url: "/healthz" });
    expect(res.statusCode).toBe(code);
    expect(res.json()).toMatchObject({ ...status, ok: code === 200 });
    await http.close();
  });
});

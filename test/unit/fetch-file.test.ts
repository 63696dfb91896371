import { describe, expect, it } from "vitest";
import { fileNameOf } from "../../bot/fetch-file.ts";

describe("fileNameOf", () => {
  it("prefers the RFC 5987 UTF-8 name", () => {
    expect(fileNameOf(`attachment; filename="jiaolian.xlsx"; filename*=UTF-8''${encodeURIComponent("城关共同体活动台账.xlsx")}`)).toBe("城关共同体活动台账.xlsx");
  });
  it("falls back to the plain name, then to nothing", () => {
    expect(fileNameOf(`attachment; filename="a.docx"`)).toBe("a.docx");
    expect(fileNameOf("attachment; filename*=UTF-8''%E0%A4%A")).toBeUndefined();
    expect(fileNameOf(null)).toBeUndefined();
  });
});

/**
 * The README's 隐私说明 is the text deployers read and the one /隐私 and /privacy show
 * (core/privacy/statement.ts): every line of the statement, with the default periods, is in it.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { noticeLine, privacyStatement } from "../../core/privacy/statement.ts";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
// The README writes commands as code (`/设置 隐私 联系人`) and bullets as "- "; the chat text has neither.
const plain = readme.replace(/`/g, "");

describe("README's 隐私说明", () => {
  for (const section of privacyStatement()) {
    it(`has section 「${section.title}」 line by line`, () => {
      expect(plain).toContain(`**${section.title}**`);
      for (const line of section.lines.filter((l) => !l.startsWith("个人信息联系人："))) expect(plain).toContain(line.replace(/^· /, ""));
    });
  }
  it("quotes the one-line notice", () => expect(plain).toContain(noticeLine("https://你的域名/privacy")));
});

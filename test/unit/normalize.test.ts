import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { foldForMatching, matchKeywords } from "../../src/modules/moderation/normalize";

describe("keyword folding", () => {
  it("defeats full-width, case, spacing, punctuation and zero-width tricks", () => {
    for (const variant of ["Gamble", "ＧＡＭＢＬＥ", "g a m b l e", "g.a.m.b.l.e", "g\u200bamble", "G-A_M*B L E", "ｇａｍｂｌｅ house"]) {
      assert.ok(foldForMatching(variant).includes("gamble"), variant);
    }
  });

  it("matches Chinese terms through spacing and full-width punctuation", () => {
    const rules = [{ folded: foldForMatching("赌博"), term: "赌博", action: "BLOCK" }];
    assert.equal(matchKeywords("周末 赌 博 群", rules).length, 1);
    assert.equal(matchKeywords("周末，赌。博", rules).length, 1);
    assert.equal(matchKeywords("周末读书群", rules).length, 0);
  });

  it("does not match across unrelated text", () => {
    const rules = [{ folded: "bad", term: "bad", action: "REVIEW" }];
    assert.equal(matchKeywords("a good group", rules).length, 0);
    assert.equal(matchKeywords("", rules).length, 0);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { AhoCorasick } from "../../src/modules/moderation/aho-corasick";
import { foldForMatching, KeywordMatcher, matchKeywords, skeleton } from "../../src/modules/moderation/normalize";

const rule = (term: string, action = "BLOCK") => ({ term, folded: foldForMatching(term), action });

describe("keyword folding", () => {
  it("defeats full-width, case, spacing, punctuation and zero-width tricks", () => {
    for (const variant of ["Gamble", "ＧＡＭＢＬＥ", "g a m b l e", "g.a.m.b.l.e", "g\u200bamble", "G-A_M*B L E", "ｇａｍｂｌｅ house"]) {
      assert.ok(foldForMatching(variant).includes(foldForMatching("gamble")), variant);
    }
  });

  it("matches Chinese terms through spacing and full-width punctuation", () => {
    const rules = [rule("赌博")];
    assert.equal(matchKeywords("周末 赌 博 群", rules).length, 1);
    assert.equal(matchKeywords("周末，赌。博", rules).length, 1);
    assert.equal(matchKeywords("周末读书群", rules).length, 0);
  });

  it("does not match across unrelated text", () => {
    const rules = [rule("bad", "REVIEW")];
    assert.equal(matchKeywords("a good group", rules).length, 0);
    assert.equal(matchKeywords("", rules).length, 0);
  });
});

describe("UTS #39 skeletons", () => {
  it("maps confusable letters of other scripts to one prototype", () => {
    assert.equal(skeleton("\u043e"), "o", "Cyrillic o");
    assert.equal(skeleton("\u03bf"), "o", "Greek omicron");
    assert.equal(skeleton("\u0430\u0440\u0435"), "ape", "Cyrillic a, er, ie");
    assert.equal(skeleton("paypal"), skeleton("\u0440\u0430у\u0440\u0430l"), "Cyrillic paypal");
    assert.equal(skeleton("m"), "rn", "the data's own mapping, not a hand-made table");
  });

  it("is the same for a string and its skeleton (idempotent)", () => {
    for (const text of ["c\u0430sino", "ＣＡＳＩＮＯ", "赌博", "Crème brûlée"]) assert.equal(skeleton(skeleton(text)), skeleton(text));
  });
});

describe("evasions of a keyword all match", () => {
  const EVASIONS: [string, string][] = [
    ["plain", "casino night"],
    ["upper case", "CASINO NIGHT"],
    ["full-width", "ＣＡＳＩＮＯ night"],
    ["spaced", "c a s i n o"],
    ["punctuated", "c.a.s.i.n.o"],
    ["mixed separators", "c-a_s*i/n~o"],
    ["ideographic space", "c\u3000asino"],
    ["Cyrillic look-alikes", "\u0441\u0430sin\u043e"],
    ["Greek look-alikes", "c\u03b1sin\u03bf"],
    ["Cyrillic capitals", "\u0421\u0410SIN\u041e"],
    ["combining marks", "c\u0301a\u0300s\u0308i\u0303n\u0327o"],
    ["precomposed accents", "cásíñó"],
    ["zero-width space", "ca\u200bsino"],
    ["zero-width joiner and non-joiner", "c\u200da\u200cs\u2060ino"],
    ["soft hyphen and BOM", "cas\u00adi\ufeffno"],
    ["mathematical letters", "\ud835\udc1c\ud835\udc1a\ud835\udc2c\ud835\udc22\ud835\udc27\ud835\udc28"],
    ["circled letters", "ⓒⓐⓢⓘⓝⓞ"],
    ["all at once", "Ｃ\u0430 s\u200b\u03b9 ñ .\u043e"],
    ["Chinese, spaced", "周末 赌 博 群"],
    ["Chinese, punctuated", "赌，博"],
    ["Chinese, zero-width", "赌\u200b博"],
    ["Korean, spaced after a syllable with a final consonant", "오늘 도 박 하자"],
    ["Korean, punctuated", "도.박"],
    ["Cyrillic word, upper case", "КАЗИНО"],
    ["Cyrillic word, Latin look-alikes mixed in", "кaзинo"],
    ["half-width katakana", "ｷﾞｬﾝﾌﾞﾙ"],
  ];
  const matcher = new KeywordMatcher([rule("casino"), rule("赌博"), rule("도박"), rule("казино"), rule("ギャンブル")]);

  for (const [name, text] of EVASIONS) {
    it(name, () => assert.equal(matcher.match(text).length, 1, JSON.stringify(text)));
  }
});

describe("ordinary text does not match", () => {
  const matcher = new KeywordMatcher([rule("casino"), rule("赌博"), rule("porn"), rule("gamble")]);
  const ORDINARY = [
    "Weekly planning",
    "Cassini mission fans",
    "casual sino-japanese history",
    "Popcorn night",
    "Gambia travel club",
    "周末读书群",
    "赌球",
    "博物馆志愿者",
    "Ca sa no",
    "",
    "!!!",
  ];
  for (const text of ORDINARY) {
    it(JSON.stringify(text), () => assert.deepEqual(matcher.match(text), []));
  }
});

describe("the Aho–Corasick automaton", () => {
  it("finds exactly the occurrences a search for each pattern finds", () => {
    const alphabet = fc.constantFrom("a", "b", "c", "赌", "\u1100", "\ud83d\ude00");
    const word = (max: number) => fc.array(alphabet, { minLength: 1, maxLength: max }).map((units) => units.join(""));
    fc.assert(
      fc.property(fc.uniqueArray(word(4), { maxLength: 12 }), fc.array(alphabet, { maxLength: 40 }).map((u) => u.join("")), (patterns, text) => {
        const automaton = new AhoCorasick(patterns.map((p) => [p, p] as const));
        const found = [...automaton.scan(text)].sort();
        const expected = patterns.flatMap((p) => {
          const at: string[] = [];
          for (let i = text.indexOf(p); i !== -1; i = text.indexOf(p, i + 1)) at.push(p);
          return at;
        });
        assert.deepEqual(found, expected.sort());
      }),
      { numRuns: 500 },
    );
  });
});

describe("the keyword matcher", () => {
  it("finds every term that occurs, once, whatever their overlaps", () => {
    const matcher = new KeywordMatcher([rule("he"), rule("she"), rule("hers"), rule("usher", "REVIEW")]);
    assert.deepEqual(matcher.match("ushers").map((r) => r.term).sort(), ["he", "hers", "she", "usher"]);
    assert.deepEqual(matcher.match("ushers ushers").length, 4);
  });

  it("keeps terms that fold alike apart, and an empty list matches nothing", () => {
    const matcher = new KeywordMatcher([rule("casino"), rule("CASINO", "REVIEW")]);
    assert.deepEqual(matcher.match("cаsino").map((r) => r.action).sort(), ["BLOCK", "REVIEW"]);
    assert.deepEqual(new KeywordMatcher([]).match("anything"), []);
  });

  it("screens against 10,000 terms", () => {
    const rules = Array.from({ length: 10_000 }, (_, i) => rule(`term${i.toString(36)}x`));
    const matcher = new KeywordMatcher([...rules, rule("casino")]);
    assert.deepEqual(matcher.match("a c\u0430sino evening").map((r) => r.term), ["casino"]);
    assert.deepEqual(matcher.match("nothing to see here").map((r) => r.term), []);
    // "1" and "l" are confusable: both terms match either spelling.
    assert.deepEqual(matcher.match("the TERMlX").map((r) => r.term).sort(), ["term1x", "termlx"]);
  });
});

import { AhoCorasick } from "./aho-corasick";

/**
 * Unicode's confusables.txt prototypes (UTS #39 "Recommended confusable mapping", one code point →
 * its prototype string), as the maintained `unhomoglyph` package ships them. Loaded once.
 */
const PROTOTYPES: ReadonlyMap<string, string> = new Map(Object.entries(require("unhomoglyph/data.json") as Record<string, string>));

/**
 * The UTS #39 skeleton of a string (section 4, "Confusable Detection"): NFD, each code point
 * replaced by its confusables.txt prototype, NFD again. Two strings that look alike have the same
 * skeleton: a Cyrillic "о" and a Greek "ο" both become a Latin "o", "ｍ" and "m" become "rn".
 */
export function skeleton(text: string): string {
  let mapped = "";
  for (const char of text.normalize("NFD")) mapped += PROTOTYPES.get(char) ?? char;
  return mapped.normalize("NFD");
}

/** Marks (combining accents), whitespace, punctuation, symbols, format (zero-width) and control characters. */
const IGNORED = /[\p{M}\s\p{P}\p{S}\p{Cf}\p{Cc}]+/gu;

/**
 * Folds text for keyword matching so look-alike spellings match the same term:
 * 1. NFKC turns full-width letters and digits into ASCII ("ＢＡＤ" → "BAD") and compatibility forms into their base;
 * 2. case is folded;
 * 3. the UTS #39 skeleton maps confusable letters to one prototype (Cyrillic "а", Greek "α" → "a")
 *    and decomposes accented letters;
 * 4. combining marks, whitespace, zero-width characters, punctuation and symbols are dropped, so
 *    "b a d", "b.a.d", "b\u200bad" and "b\u0301ad" all read "bad";
 * 5. case is folded again (some prototypes are capitals: "0" → "O").
 * Keywords and texts go through the same steps, so a match is a match of skeletons.
 */
export function foldForMatching(text: string): string {
  return skeleton(text.normalize("NFKC").toLowerCase()).replace(IGNORED, "").toLowerCase();
}

export interface KeywordRule<A> {
  /** Folded term. */
  folded: string;
  term: string;
  action: A;
}

/**
 * An Aho–Corasick automaton over folded keywords: built once per keyword list (callers cache it by
 * the list's version), then every text is screened in time linear in its length, whatever the
 * number of keywords.
 */
export class KeywordMatcher<A> {
  readonly size: number;
  private readonly automaton: AhoCorasick<KeywordRule<A>[]> | null;

  constructor(rules: readonly KeywordRule<A>[]) {
    const byFolded = new Map<string, KeywordRule<A>[]>();
    for (const rule of rules) {
      if (rule.folded.length === 0) continue;
      const same = byFolded.get(rule.folded);
      if (same) same.push(rule);
      else byFolded.set(rule.folded, [rule]);
    }
    this.size = rules.length;
    this.automaton = byFolded.size ? new AhoCorasick(byFolded) : null;
  }

  /** The rules whose folded term occurs in the already folded text, in order of occurrence. */
  matchFolded(folded: string): KeywordRule<A>[] {
    if (!this.automaton || folded.length === 0) return [];
    const found: KeywordRule<A>[] = [];
    for (const rules of this.automaton.scan(folded)) for (const rule of rules) if (!found.includes(rule)) found.push(rule);
    return found;
  }

  /** The rules whose folded term occurs in the text. */
  match(text: string): KeywordRule<A>[] {
    return this.matchFolded(foldForMatching(text));
  }
}

/** The rules whose folded term occurs in the folded text (one-off: builds an automaton each call). */
export function matchKeywords<A>(text: string, rules: readonly KeywordRule<A>[]): KeywordRule<A>[] {
  return new KeywordMatcher(rules).match(text);
}

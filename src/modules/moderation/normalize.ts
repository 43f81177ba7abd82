/**
 * Folds text for keyword matching so look-alike spellings match the same term:
 * NFKC turns full-width letters and digits into ASCII ("ＢＡＤ" → "BAD") and compatibility forms
 * into their base; case is folded; whitespace, zero-width characters, punctuation and symbols are
 * dropped, so "b a d", "b.a.d" and "b\u200bad" all read "bad".
 */
export function foldForMatching(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}\p{Cf}\p{Cc}]+/gu, "");
}

export interface KeywordRule<A> {
  /** Folded term. */
  folded: string;
  term: string;
  action: A;
}

/** The rules whose folded term occurs in the folded text, in the order given. */
export function matchKeywords<A>(text: string, rules: readonly KeywordRule<A>[]): KeywordRule<A>[] {
  const folded = foldForMatching(text);
  return rules.filter((rule) => rule.folded.length > 0 && folded.includes(rule.folded));
}

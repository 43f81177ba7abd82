/**
 * A small Aho–Corasick automaton over UTF-16 code units: built once from many patterns, it finds
 * every occurrence of every pattern in one pass over a text, in time linear in the text (plus the
 * matches), however many patterns there are.
 *
 * Written here rather than taken from a package: the maintained npm implementation
 * (modern-ahocorasick) only matches at grapheme-cluster boundaries, and folded keyword text is not
 * made of whole graphemes (a UTS #39 skeleton decomposes Hangul into jamo and maps a final
 * consonant onto an initial one, which fuses neighbouring syllables into one cluster).
 */
export class AhoCorasick<T> {
  /** Transitions of each state by code unit; state 0 is the root. */
  private readonly next: Array<Map<number, number>> = [new Map()];
  private readonly fail: number[] = [0];
  /** Values of the patterns ending at each state, including those reached through failure links. */
  private readonly out: T[][] = [[]];

  constructor(patterns: Iterable<readonly [pattern: string, value: T]>) {
    for (const [pattern, value] of patterns) {
      if (pattern.length === 0) continue;
      let state = 0;
      for (let i = 0; i < pattern.length; i++) {
        const unit = pattern.charCodeAt(i);
        let to = this.next[state].get(unit);
        if (to === undefined) {
          to = this.next.length;
          this.next.push(new Map());
          this.fail.push(0);
          this.out.push([]);
          this.next[state].set(unit, to);
        }
        state = to;
      }
      this.out[state].push(value);
    }
    // Failure links, breadth first: the longest proper suffix of a state's string that is a prefix of some pattern.
    const queue = [...this.next[0].values()];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      for (const [unit, to] of this.next[state]) {
        let link = this.fail[state];
        while (link !== 0 && !this.next[link].has(unit)) link = this.fail[link];
        this.fail[to] = this.next[link].get(unit) ?? 0;
        const inherited = this.out[this.fail[to]];
        if (inherited.length) this.out[to] = [...this.out[to], ...inherited];
        queue.push(to);
      }
    }
  }

  /** States in the automaton (its size grows with the patterns, its scanning cost does not). */
  get size(): number {
    return this.next.length;
  }

  /** The value of every pattern occurrence in the text, in order of where each ends. */
  *scan(text: string): Generator<T> {
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      let to = this.next[state].get(unit);
      while (to === undefined && state !== 0) {
        state = this.fail[state];
        to = this.next[state].get(unit);
      }
      state = to ?? 0;
      for (const value of this.out[state]) yield value;
    }
  }
}

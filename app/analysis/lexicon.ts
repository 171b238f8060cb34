/**
 * The second-class lexicon: phrases in customers' free text that say they
 * feel treated as lesser customers (the `analyze` contract, rule `lexicon`).
 *
 * Matching is accent-, case-, punctuation- and spelling-insensitive
 * ("VERNACHLÄSSIGT!", "vernachlaessigt" and "Vernachlässigt" are one word),
 * on whole words, where the last word of a phrase may carry a German ending
 * ("zweitklassige Beratung" matches `zweitklassig`). A match does not count
 * when a negation stands among the three words before it ("nicht
 * vernachlässigt", "I never felt ignored", "No. Ignored.").
 *
 * This runs on every completed survey response, so it is a linear scan over
 * the text's words with a map from first words to phrases: no regular
 * expression whose running time depends on the input's shape.
 */

/** German and English phrases that raise a second-class flag, as written. */
export const SECOND_CLASS_LEXICON: readonly string[] = [
  'zweiter klasse',
  'abgestellt',
  'abstellgleis',
  'nicht wichtig genug',
  'vernachlässigt',
  'ignoriert',
  'links liegen gelassen',
  'second class',
  'second-rate',
  'neglected',
  'ignored',
  'not a priority',
  'bigger clients',
  'bigger customers',
  'zweitklassig',
  'zweitrangig',
  'kunde 2 klasse',
  'just a number',
  'afterthought',
  'low priority',
];

/** Words that negate a phrase when they stand among the three words before it. */
const NEGATIONS = new Set(
  'nicht nie niemals kein keine keinen keinem keiner keines kaum never not no hardly'.split(' '),
);
/** How many words before a phrase may negate it. */
const NEGATION_REACH = 3;
/** Endings the last word of a phrase may carry (German inflection). */
const ENDINGS = ['e', 'en', 'em', 'er', 'es'] as const;

const COMBINING_MARKS = /\p{M}+/gu;
// A single character class with one quantifier: linear in the text's length.
const NON_WORD_RUNS = /[^a-z0-9]+/g;

/**
 * Normalises text for matching: Unicode NFKD, combining marks removed,
 * lower-cased, `ß` → `ss`, then `ae` → `a`, `oe` → `o`, `ue` → `u` (single
 * passes in that order, so "vernachlaessigt" meets "vernachlässigt"), and
 * every run of characters other than a–z and 0–9 replaced by one space.
 * Leading and trailing spaces are dropped.
 */
export function normalizeForLexicon(text: string): string {
  return text
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replaceAll('ß', 'ss')
    .replaceAll('ae', 'a')
    .replaceAll('oe', 'o')
    .replaceAll('ue', 'u')
    .replace(NON_WORD_RUNS, ' ')
    .trim();
}

interface PreparedPhrase {
  /** The phrase as written in the list; what a match reports. */
  phrase: string;
  /** Its position in the list, so that results keep list order. */
  index: number;
  words: string[];
}

/** Phrases by their first normalised word. */
type PhraseIndex = Map<string, PreparedPhrase[]>;

function prepare(phrases: readonly string[], offset: number): PhraseIndex {
  const index: PhraseIndex = new Map();
  phrases.forEach((phrase, position) => {
    const normalized = normalizeForLexicon(phrase);
    if (normalized === '') return; // a phrase of punctuation only can never match
    const words = normalized.split(' ');
    const entry = { phrase, index: offset + position, words };
    const list = index.get(words[0]!);
    if (list === undefined) index.set(words[0]!, [entry]);
    else list.push(entry);
  });
  return index;
}

const BUILT_IN_INDEX = prepare(SECOND_CLASS_LEXICON, 0);
/** A workspace's phrases are the same array on every call; prepare them once. */
const extraIndexes = new WeakMap<readonly string[], PhraseIndex>();

function extraIndexOf(extraPhrases: readonly string[]): PhraseIndex | null {
  if (extraPhrases.length === 0) return null;
  let index = extraIndexes.get(extraPhrases);
  if (index === undefined) {
    index = prepare(extraPhrases, SECOND_CLASS_LEXICON.length);
    extraIndexes.set(extraPhrases, index);
  }
  return index;
}

/** `word` equals `stem`, or is `stem` followed by one of the allowed endings. */
function isStemWithEnding(word: string, stem: string): boolean {
  if (word === stem) return true;
  if (word.length <= stem.length || !word.startsWith(stem)) return false;
  const ending = word.slice(stem.length);
  return (ENDINGS as readonly string[]).includes(ending);
}

/** Whether `phrase` stands at word `start` of `words`. */
function matchesAt(words: readonly string[], start: number, phraseWords: readonly string[]): boolean {
  const last = phraseWords.length - 1;
  if (start + last >= words.length) return false;
  for (let offset = 0; offset < last; offset++) {
    if (words[start + offset] !== phraseWords[offset]) return false;
  }
  return isStemWithEnding(words[start + last]!, phraseWords[last]!);
}

function isNegated(words: readonly string[], start: number): boolean {
  for (let position = Math.max(0, start - NEGATION_REACH); position < start; position++) {
    if (NEGATIONS.has(words[position]!)) return true;
  }
  return false;
}

/** The first words a phrase may be looked up by: the word, and the word without an ending. */
function lookupKeys(word: string): string[] {
  const keys = [word];
  for (const ending of ENDINGS) {
    if (word.length > ending.length && word.endsWith(ending)) keys.push(word.slice(0, -ending.length));
  }
  return keys;
}

function collectMatches(words: readonly string[], index: PhraseIndex, found: Map<number, string>): void {
  for (let start = 0; start < words.length; start++) {
    const keys = lookupKeys(words[start]!);
    for (let keyNumber = 0; keyNumber < keys.length; keyNumber++) {
      const candidates = index.get(keys[keyNumber]!);
      if (candidates === undefined) continue;
      for (const candidate of candidates) {
        if (found.has(candidate.index)) continue;
        // A stripped key only stands for a one-word phrase: in longer phrases
        // the first word carries no ending.
        if (keyNumber > 0 && candidate.words.length > 1) continue;
        if (matchesAt(words, start, candidate.words) && !isNegated(words, start)) {
          found.set(candidate.index, candidate.phrase);
        }
      }
    }
  }
}

/**
 * The phrases found in `text` and not negated: the built-in lexicon first,
 * then `extraPhrases` (a workspace's own phrases, matched by the same rule),
 * each in list order, each once.
 */
export function lexiconPhrasesIn(text: string, extraPhrases: readonly string[] = []): string[] {
  if (text === '') return [];
  const normalized = normalizeForLexicon(text);
  if (normalized === '') return [];
  const words = normalized.split(' ');
  const found = new Map<number, string>();
  collectMatches(words, BUILT_IN_INDEX, found);
  const extra = extraIndexOf(extraPhrases);
  if (extra !== null) collectMatches(words, extra, found);
  return [...found].sort(([a], [b]) => a - b).map(([, phrase]) => phrase);
}

/** Whether any of the texts contains a lexicon phrase that is not negated. */
export function mentionsSecondClass(texts: readonly string[], extraPhrases: readonly string[] = []): boolean {
  return texts.some((text) => lexiconPhrasesIn(text, extraPhrases).length > 0);
}

/**
 * The second-class lexicon: phrases in customers' free text that say they
 * feel treated as lesser customers. Matching is accent-, case- and
 * punctuation-insensitive and on whole words, so "VERNACHLÄSSIGT!" and
 * "second-class" match while "ignoredness" does not.
 */

/** German and English phrases that raise a second-class flag. */
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
];

const COMBINING_MARKS = /\p{M}+/gu;
const NON_WORD_RUNS = /[^a-z0-9]+/g;

/**
 * Normalises text for matching: Unicode NFKD, combining marks removed,
 * lower-cased, and every run of characters other than a–z and 0–9 replaced
 * by one space, with a space added at both ends so that a phrase can be
 * found as whole words with a plain substring search.
 */
export function normalizeForLexicon(text: string): string {
  const words = text.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase().replace(NON_WORD_RUNS, ' ');
  return ` ${words.trim()} `;
}

const NORMALIZED_LEXICON = SECOND_CLASS_LEXICON.map(normalizeForLexicon);

/** The lexicon phrases found in `text` as whole words, in lexicon order. */
export function lexiconPhrasesIn(text: string): string[] {
  if (text === '') return [];
  const normalized = normalizeForLexicon(text);
  return SECOND_CLASS_LEXICON.filter((_, index) => normalized.includes(NORMALIZED_LEXICON[index]!));
}

/** Whether any of the texts contains a second-class lexicon phrase. */
export function mentionsSecondClass(texts: readonly string[]): boolean {
  return texts.some((text) => lexiconPhrasesIn(text).length > 0);
}

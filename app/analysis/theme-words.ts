/**
 * The words of free-text answers as theme coding reads them: pieces of the
 * raw text cut at spaces and punctuation, with the clause marks between
 * them, and the words that negate a key word after them (see
 * docs/themes.md, "Negation").
 *
 * Each distinct piece is folded once per matcher and looked up afterwards:
 * one pass over the characters, no regular expression on the text.
 */
import stemmers from 'snowball-stemmers';
import stopwordsIso from 'stopwords-iso';
import { normalizeForLexicon } from './lexicon';

export type Language = 'de' | 'en';

const germanStemmer = stemmers.newStemmer('german');
const englishStemmer = stemmers.newStemmer('english');

/** The Snowball stem of a folded word. */
export function stem(word: string, language: Language): string {
  return (language === 'de' ? germanStemmer : englishStemmer).stem(word);
}

/** The words of a folded text. */
export function foldedWords(text: string): string[] {
  const normalized = normalizeForLexicon(text);
  return normalized === '' ? [] : normalized.split(' ');
}

/** Stop words of both languages, folded like the text. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  [...stopwordsIso.de, ...stopwordsIso.en].map((word) => normalizeForLexicon(word)).filter((word) => word !== '' && !word.includes(' ')),
);

/** How a character separates words: 0 part of a word, 1 a space, 2 a clause mark. */
export type CharKind = 0 | 1 | 2;

/** Spaces and punctuation beyond ASCII that answers contain; the rest stays inside pieces and is folded away there. */
const OTHER_KINDS: ReadonlyArray<[number, CharKind]> = [
  [0x00a0, 1], // no-break space
  [0x2009, 1], // thin space
  [0x202f, 1], // narrow no-break space
  [0x00ab, 1], // « »
  [0x00bb, 1],
  [0x2018, 1], // ‘ ’ ‚
  [0x2019, 1],
  [0x201a, 1],
  [0x201c, 1], // “ ” „
  [0x201d, 1],
  [0x201e, 1],
  [0x2013, 2], // – — …
  [0x2014, 2],
  [0x2026, 2],
];

/** The kind of every character up to the last one named above (a table, as this runs for every character). */
const KINDS = new Uint8Array(0x2030);
for (let code = 0; code < 128; code++) {
  const char = String.fromCharCode(code);
  KINDS[code] = /[a-zA-Z0-9]/.test(char) ? 0 : '.,;:!?()[]{}'.includes(char) ? 2 : 1;
}
for (const [code, kind] of OTHER_KINDS) KINDS[code] = kind;

/**
 * How `code` separates the pieces of a text: 0 part of a piece, 1 a space,
 * 2 a clause mark (. , ; : ! ? brackets, dashes, …). Cutting at ASCII
 * spaces and punctuation before folding gives the same words as folding the
 * whole text: `normalizeForLexicon` turns those characters into spaces and
 * nothing it does reaches across them.
 */
export function pieceCharKind(code: number): CharKind {
  return code < KINDS.length ? (KINDS[code] as CharKind) : 0;
}

/** Folded words that negate a key word among the few words after them. */
export const NEGATION_WORDS: ReadonlySet<string> = new Set([
  // German
  'nicht', 'kein', 'keine', 'keinen', 'keiner', 'keinem', 'keines', 'nie', 'niemals', 'ohne', 'kaum', 'weder',
  // English, with the n't forms written without an apostrophe ("don't" folds to "don t", see NEGATING_T)
  'not', 'no', 'never', 'without', 'hardly', 'neither', 'nor', 'cannot',
  'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'wasnt', 'werent', 'cant', 'couldnt', 'wont', 'wouldnt', 'shouldnt', 'havent', 'hasnt', 'hadnt', 'aint',
]);

/** A negation word directly followed by one of these negates nothing: "nicht nur schnell", "not only fast". */
export const NEGATION_CANCELLERS: ReadonlySet<string> = new Set(['nur', 'bloss', 'only', 'just', 'merely']);

/** Words that start a new clause as a clause mark does: "nicht billig, aber schnell", "not cheap but fast". */
export const CLAUSE_WORDS: ReadonlySet<string> = new Set(['aber', 'sondern', 'jedoch', 'but', 'however']);

/** How many words before a key word a negation reaches ("nicht mehr so schnell", "not always fast"). */
export const NEGATION_REACH = 3;

/**
 * The prefix that negates the word it stands before, in both languages:
 * "unfreundlich", "unzuverlässig", "unreliable", "unavailable". The rest
 * must be the key word itself (inflected), not merely contain it, so
 * "Unternehmensberatung" still names "Beratung" without negation.
 */
export const NEGATING_PREFIX = 'un';
/** Letters after the prefix before it counts ("until", "unit" are no negations). */
export const MIN_PREFIXED_REST = 3;

/** Whether `word` is the "t" of an n't form ("don't" → "don t", "isn’t" → "isn t") after `previous`. */
export function isNegatingT(word: string, previous: string | undefined): boolean {
  return word === 't' && previous !== undefined && previous.length > 1 && previous.endsWith('n');
}

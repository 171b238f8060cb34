/**
 * Theme coding of free-text answers (`miss_most`, `alternative`, `improve`):
 * which of a workspace's themes an answer names, locally and
 * deterministically, in German and English.
 *
 * A theme is a name and key words in German and English. Text and key words
 * are folded as the second-class lexicon folds them (accents, case, ß, ae/oe/
 * ue, punctuation; `normalizeForLexicon`), then each word is reduced by the
 * Snowball stemmer of its key word's language, so inflections meet
 * ("Erreichbarkeit", "erreichbaren"; "prices", "pricing"). A German key word
 * also matches as a part of a compound: its stem inside a longer word
 * ("Erreichbarkeit" in "Telefonerreichbarkeit", "Preis" in
 * "Preis-Leistungs-Verhältnis"), when the stem has at least
 * `MIN_COMPOUND_PART` letters, so that short stems do not hide in unrelated
 * words. A key word of several words matches consecutive words.
 *
 * Stop words (stopwords-iso, German and English) are never key words a
 * workspace must avoid: a key word is its own choice ("help", "call" are
 * English stop words there). They only keep frequent-phrase suggestions free
 * of filler.
 *
 * Every distinct word is stemmed and compared once per matcher (a cache), so
 * coding a quarter of 100,000 answers costs one pass over their words.
 */
import stemmers from 'snowball-stemmers';
import stopwordsIso from 'stopwords-iso';
import { normalizeForLexicon } from './lexicon';

/** The free-text items that are coded into themes. */
export const THEME_FIELDS = ['missMost', 'alternative', 'improve'] as const;
export type ThemeField = (typeof THEME_FIELDS)[number];

/** A theme as a workspace defines it. */
export interface ThemeDefinition {
  /** Stable key within the workspace (a database id, or a slug in the starter set). */
  key: string;
  name: { de: string; en: string };
  keywords: { de: readonly string[]; en: readonly string[] };
}

/** Letters a German stem needs before it is looked for inside compounds. */
export const MIN_COMPOUND_PART = 4;

type Language = 'de' | 'en';

const germanStemmer = stemmers.newStemmer('german');
const englishStemmer = stemmers.newStemmer('english');

function stem(word: string, language: Language): string {
  return (language === 'de' ? germanStemmer : englishStemmer).stem(word);
}

/** Stop words of both languages, folded like the text. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  [...stopwordsIso.de, ...stopwordsIso.en].map((word) => normalizeForLexicon(word)).filter((word) => word !== '' && !word.includes(' ')),
);

/** One word of a key word, in the form it is compared in. */
interface KeyPart {
  language: Language;
  stem: string;
  /** A German stem long enough to be found inside compounds. */
  compound: boolean;
}

interface PreparedKeyword {
  theme: number;
  parts: KeyPart[];
}

/** The words of a folded text. */
export function foldedWords(text: string): string[] {
  const normalized = normalizeForLexicon(text);
  return normalized === '' ? [] : normalized.split(' ');
}

function prepareKeyword(keyword: string, language: Language, theme: number): PreparedKeyword | null {
  const words = foldedWords(keyword);
  if (words.length === 0) return null;
  const parts = words.map((word) => {
    const stemmed = stem(word, language);
    return { language, stem: stemmed, compound: language === 'de' && stemmed.length >= MIN_COMPOUND_PART };
  });
  return { theme, parts };
}

/** A folded text word with its stems in both languages. */
interface StemmedWord {
  word: string;
  de: string;
  en: string;
}

function stemmedWord(word: string): StemmedWord {
  return { word, de: stem(word, 'de'), en: stem(word, 'en') };
}

/** Whether a folded text word is the key part, inflected or inside a compound. */
function partMatches(word: StemmedWord, part: KeyPart): boolean {
  if (word[part.language] === part.stem) return true;
  return part.compound && word.word.length > part.stem.length && word.word.includes(part.stem);
}

/** A theme list made ready for coding many texts. */
export class ThemeMatcher {
  readonly themes: readonly ThemeDefinition[];
  private readonly keywords: PreparedKeyword[] = [];
  /** Per distinct word: the key words whose first part it matches. */
  private readonly firstPartHits = new Map<string, readonly number[]>();
  /** Per distinct word and key part: whether it matches (for later parts). */
  private readonly partHits = new Map<string, boolean>();

  constructor(themes: readonly ThemeDefinition[]) {
    this.themes = themes;
    themes.forEach((theme, index) => {
      for (const language of ['de', 'en'] as const) {
        for (const keyword of theme.keywords[language]) {
          const prepared = prepareKeyword(keyword, language, index);
          if (prepared !== null) this.keywords.push(prepared);
        }
      }
    });
  }

  /** The keys of the themes `text` names, in theme-list order, each once. */
  themesIn(text: string | null | undefined): string[] {
    if (text == null || text === '') return [];
    return this.themeIndexesIn(foldedWords(text)).map((index) => this.themes[index]!.key);
  }

  /** Theme positions named by the folded `words`, ascending. */
  themeIndexesIn(words: readonly string[]): number[] {
    const found = new Set<number>();
    for (let start = 0; start < words.length; start++) {
      for (const keywordNumber of this.firstHits(words[start]!)) {
        const keyword = this.keywords[keywordNumber]!;
        if (found.has(keyword.theme)) continue;
        if (this.restMatches(words, start, keywordNumber)) found.add(keyword.theme);
      }
    }
    return [...found].sort((a, b) => a - b);
  }

  /** Whether a folded word is covered by some key word of any theme (for suggestions). */
  covers(word: string): boolean {
    return this.firstHits(word).length > 0 || this.keywords.some((keyword, number) => keyword.parts.some((_, part) => part > 0 && this.partHit(word, number, part)));
  }

  private firstHits(word: string): readonly number[] {
    let hits = this.firstPartHits.get(word);
    if (hits === undefined) {
      const stemmed = stemmedWord(word);
      hits = this.keywords.flatMap((keyword, number) => (partMatches(stemmed, keyword.parts[0]!) ? [number] : []));
      this.firstPartHits.set(word, hits);
    }
    return hits;
  }

  private partHit(word: string, keywordNumber: number, part: number): boolean {
    const cacheKey = `${keywordNumber} ${part} ${word}`;
    let hit = this.partHits.get(cacheKey);
    if (hit === undefined) {
      hit = partMatches(stemmedWord(word), this.keywords[keywordNumber]!.parts[part]!);
      this.partHits.set(cacheKey, hit);
    }
    return hit;
  }

  private restMatches(words: readonly string[], start: number, keywordNumber: number): boolean {
    const parts = this.keywords[keywordNumber]!.parts;
    if (start + parts.length > words.length) return false;
    for (let part = 1; part < parts.length; part++) {
      if (!this.partHit(words[start + part]!, keywordNumber, part)) return false;
    }
    return true;
  }
}

/** A frequent phrase that no theme covers yet. */
export interface PhraseSuggestion {
  /** The stems, space-separated; what the count is kept under. */
  stems: string;
  /** The most frequent way answers wrote it (folded), ties alphabetical. */
  example: string;
  /** Answers containing it (each answer counts once). */
  count: number;
}

/** Answers a phrase needs before it is suggested. */
export const MIN_SUGGESTION_COUNT = 3;

/** The stem a suggestion is counted under: German and English stemmers in turn, so both languages group. */
function suggestionStem(word: string): string {
  return englishStemmer.stem(germanStemmer.stem(word));
}

/**
 * Frequent words and two-word phrases (by stems) in `texts` that no theme
 * covers: stop words, numbers and one-letter words left out, each answer
 * counted once per phrase, at least `MIN_SUGGESTION_COUNT` answers. Most
 * frequent first, then two-word phrases before single words, then by stems.
 * A single word is left out when a suggested phrase has the same count and
 * contains it, so the list names what customers say rather than its parts.
 */
export function suggestPhrases(matcher: ThemeMatcher, texts: Iterable<string>, limit = 15): PhraseSuggestion[] {
  const counts = new Map<string, { count: number; forms: Map<string, number> }>();
  const note = (stems: string, form: string, seen: Set<string>) => {
    if (seen.has(stems)) return;
    seen.add(stems);
    let entry = counts.get(stems);
    if (entry === undefined) {
      entry = { count: 0, forms: new Map() };
      counts.set(stems, entry);
    }
    entry.count += 1;
    entry.forms.set(form, (entry.forms.get(form) ?? 0) + 1);
  };
  const useful = (word: string) => word.length > 1 && !/^[0-9]+$/.test(word) && !STOP_WORDS.has(word) && !matcher.covers(word);
  for (const text of texts) {
    const words = foldedWords(text);
    const seen = new Set<string>();
    for (let index = 0; index < words.length; index++) {
      const word = words[index]!;
      if (!useful(word)) continue;
      note(suggestionStem(word), word, seen);
      const next = words[index + 1];
      if (next !== undefined && useful(next)) note(`${suggestionStem(word)} ${suggestionStem(next)}`, `${word} ${next}`, seen);
    }
  }
  const frequent = [...counts].filter(([, entry]) => entry.count >= MIN_SUGGESTION_COUNT);
  const phraseCounts = frequent.filter(([stems]) => stems.includes(' '));
  const kept = frequent.filter(
    ([stems, entry]) => stems.includes(' ') || !phraseCounts.some(([phrase, other]) => other.count === entry.count && phrase.split(' ').includes(stems)),
  );
  return kept
    .map(([stems, entry]) => ({ stems, example: mostFrequentForm(entry.forms), count: entry.count }))
    .sort(
      (a, b) =>
        b.count - a.count ||
        Number(b.stems.includes(' ')) - Number(a.stems.includes(' ')) ||
        (a.stems < b.stems ? -1 : a.stems > b.stems ? 1 : 0),
    )
    .slice(0, limit);
}

function mostFrequentForm(forms: Map<string, number>): string {
  let best = '';
  let bestCount = -1;
  for (const [form, count] of forms) {
    if (count > bestCount || (count === bestCount && form < best)) {
      best = form;
      bestCount = count;
    }
  }
  return best;
}

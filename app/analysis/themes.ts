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
 * Negation (docs/themes.md): a key word with a negation among the
 * `NEGATION_REACH` words before it in the same clause ("nicht erreichbar",
 * "kein persönlicher Kontakt", "never reachable", "not fast"), or written
 * with the prefix un- ("unfreundlich", "unreliable"), is a negated mention;
 * both together cancel out ("nie unfreundlich"). In `miss_most` only a
 * mention that is not negated names the theme (what they would miss); in
 * `alternative` and `improve` every mention does (a negated one is exactly
 * the complaint). Without a field, every mention counts.
 *
 * Stop words (stopwords-iso, German and English) are never key words a
 * workspace must avoid: a key word is its own choice ("help", "call" are
 * English stop words there). They only keep frequent-phrase suggestions free
 * of filler.
 *
 * Speed: every distinct piece of text is folded once and every distinct word
 * compared with the key words once per matcher (caches), and a word is only
 * stemmed when a key stem could be its stem (see `stemCandidates`), so
 * coding a quarter of answers costs one pass over their characters.
 */
import { normalizeForLexicon } from './lexicon';
import { SliceMap } from './slice-map';
import {
  CLAUSE_WORDS,
  foldedWords,
  isNegatingT,
  MIN_PREFIXED_REST,
  NEGATING_PREFIX,
  NEGATION_CANCELLERS,
  NEGATION_REACH,
  NEGATION_WORDS,
  pieceCharKind,
  stem,
  type Language,
} from './theme-words';

export { foldedWords, STOP_WORDS } from './theme-words';
export { MIN_SUGGESTION_COUNT, suggestPhrases, type PhraseSuggestion } from './theme-suggestions';

/** The free-text items that are coded into themes. */
export const THEME_FIELDS = ['missMost', 'alternative', 'improve'] as const;
export type ThemeField = (typeof THEME_FIELDS)[number];

/** Whether a negated mention names a theme in `field` (docs/themes.md): not in what they would miss. */
export function countsNegatedMentions(field: ThemeField | undefined): boolean {
  return field !== 'missMost';
}

/** A theme as a workspace defines it. */
export interface ThemeDefinition {
  /** Stable key within the workspace (a database id, or a slug in the starter set). */
  key: string;
  name: { de: string; en: string };
  keywords: { de: readonly string[]; en: readonly string[] };
}

/**
 * The version of the coding rule. Counts kept of coded answers (caches,
 * rollups) carry it in their key, so a change of the rule (2: negation,
 * decision 0035) codes them again instead of mixing old and new counts.
 */
export const THEME_CODING_VERSION = 2;

/** Letters a German stem needs before it is looked for inside compounds. */
export const MIN_COMPOUND_PART = 4;

/**
 * Letters at the end of an English Snowball stem that may differ from the
 * word ("lying" → "lie", "happy" → "happi"): the rest of the stem is a
 * prefix of the word. German stems of folded words are prefixes of the word
 * outright. Checked on 35,000 words of both languages; the margin leaves one
 * letter to spare.
 */
const ENGLISH_STEM_TAIL = 3;

/** One word of a key word, in the form it is compared in. */
interface KeyPart {
  language: Language;
  stem: string;
  /** A German stem long enough to be found inside compounds. */
  compound: boolean;
}

interface PreparedKeyword {
  theme: number;
  /** Part numbers in `ThemeMatcher.parts`, in order. */
  parts: number[];
}

/** What a distinct folded word means to one matcher; computed once. */
interface WordInfo {
  word: string;
  /** Key words whose first part this word is. */
  first: readonly number[];
  /** Key words whose first part this word is with the prefix un- ("unfreundlich"): a negated mention. */
  firstPrefixed: readonly number[];
  /** Key parts this word matches (for the later parts of several-word key words). */
  parts: readonly number[];
  negation: boolean;
  cancelsNegation: boolean;
  startsClause: boolean;
}

const NONE: readonly number[] = Object.freeze([]);
const NONE_WORDS: readonly WordInfo[] = Object.freeze([]);
/** Distinct pieces and words a matcher remembers before it starts afresh (memory stays bounded). */
const CACHE_LIMIT = 300_000;

/** A theme list made ready for coding many texts. */
export class ThemeMatcher {
  readonly themes: readonly ThemeDefinition[];
  private readonly keywords: PreparedKeyword[] = [];
  private readonly parts: KeyPart[] = [];
  /** Part numbers by the first letter of their stem. */
  private readonly partsByLetter = new Map<string, number[]>();
  /** Compound part numbers by the first three letters of their stem. */
  private readonly compoundsByTrigram = new Map<string, number[]>();
  /** Per distinct piece of text: its folded words. */
  private readonly pieceWords = new SliceMap<readonly WordInfo[]>();
  private readonly wordInfos = new Map<string, WordInfo>();
  /** The words of the text being coded, and whether a clause mark stands before each. */
  private buffer: WordInfo[] = [];
  private clauseMarks: boolean[] = [];
  private count = 0;
  /** The themes the text being coded names, ascending. */
  private readonly found: number[] = [];
  /** Per theme: the number of the text that named it last (saves clearing a set per text). */
  private readonly namedIn: Int32Array;
  private textNumber = 0;

  constructor(themes: readonly ThemeDefinition[]) {
    this.themes = themes;
    this.namedIn = new Int32Array(themes.length);
    themes.forEach((theme, index) => {
      for (const language of ['de', 'en'] as const) {
        for (const keyword of theme.keywords[language]) this.prepareKeyword(keyword, language, index);
      }
    });
  }

  /**
   * The keys of the themes `text` names, in theme-list order, each once. With
   * `field`, negated mentions follow that item's rule (`countsNegatedMentions`).
   */
  themesIn(text: string | null | undefined, field?: ThemeField): string[] {
    return this.themeIndexesInText(text, field).map((index) => this.themes[index]!.key);
  }

  /** Theme positions named by `text`, ascending. */
  themeIndexesInText(text: string | null | undefined, field?: ThemeField): readonly number[] {
    this.code(text, field);
    return this.found.length === 0 ? NONE : this.found.slice();
  }

  /** Adds `step` to `counts[position]` for each theme `text` names: the tables' form, with nothing allocated per text. */
  countThemesIn(text: string | null | undefined, field: ThemeField | undefined, counts: number[], step: number): void {
    this.code(text, field);
    for (let index = 0; index < this.found.length; index++) counts[this.found[index]!]! += step;
  }

  private code(text: string | null | undefined, field: ThemeField | undefined): void {
    this.found.length = 0;
    if (text == null || text === '') return;
    if (this.pieceWords.size > CACHE_LIMIT) this.forget();
    this.readPieces(text);
    this.codeBuffer(countsNegatedMentions(field));
  }

  /** Theme positions named by the folded `words`, ascending (no clause marks between them). */
  themeIndexesIn(words: readonly string[], field?: ThemeField): number[] {
    if (this.wordInfos.size > CACHE_LIMIT) this.forget();
    this.count = 0;
    for (const word of words) this.push(this.infoOf(word), false);
    this.found.length = 0;
    this.codeBuffer(countsNegatedMentions(field));
    return this.found.slice();
  }

  /** Whether a folded word is covered by some key word of any theme (for suggestions). */
  covers(word: string): boolean {
    const info = this.infoOf(word);
    return info.first.length > 0 || info.parts.length > 0;
  }

  private prepareKeyword(keyword: string, language: Language, theme: number): void {
    const words = foldedWords(keyword);
    if (words.length === 0) return;
    const parts = words.map((word) => {
      const stemmed = stem(word, language);
      const number = this.parts.push({ language, stem: stemmed, compound: language === 'de' && stemmed.length >= MIN_COMPOUND_PART }) - 1;
      append(this.partsByLetter, stemmed[0]!, number);
      if (this.parts[number]!.compound) append(this.compoundsByTrigram, stemmed.slice(0, 3), number);
      return number;
    });
    this.keywords.push({ theme, parts });
  }

  private forget(): void {
    this.pieceWords.clear();
    this.wordInfos.clear();
  }

  /** Cuts `text` into pieces (`pieceCharKind`) and buffers their words, hashing each piece on the way. */
  private readPieces(text: string): void {
    this.count = 0;
    let start = -1;
    let hash = 0;
    let clauseMark = false;
    const length = text.length;
    for (let index = 0; index <= length; index++) {
      const code = index < length ? text.charCodeAt(index) : 32;
      const kind = pieceCharKind(code);
      if (kind === 0) {
        if (start < 0) {
          start = index;
          hash = 0;
        }
        hash = SliceMap.step(hash, code);
        continue;
      }
      if (start >= 0) {
        this.addPiece(text, start, index, hash, clauseMark);
        clauseMark = false;
        start = -1;
      }
      if (kind === 2) clauseMark = true;
    }
  }

  private addPiece(text: string, start: number, end: number, hash: number, afterClauseMark: boolean): void {
    let infos = this.pieceWords.get(text, start, end, hash);
    if (infos === undefined) {
      const piece = text.slice(start, end);
      const normalized = foldPiece(piece);
      infos = normalized === '' ? NONE_WORDS : normalized.split(' ').map((word) => this.infoOf(word));
      this.pieceWords.set(piece, hash, infos);
    }
    for (let index = 0; index < infos.length; index++) this.push(infos[index]!, afterClauseMark && index === 0);
  }

  private push(info: WordInfo, afterClauseMark: boolean): void {
    this.buffer[this.count] = info;
    this.clauseMarks[this.count] = afterClauseMark;
    this.count++;
  }

  /** Notes in `found` the themes the buffered words name; negated mentions count when `negatedCount`. */
  private codeBuffer(negatedCount: boolean): void {
    const textNumber = ++this.textNumber;
    const { buffer, clauseMarks, count } = this;
    let lastNegation = -NEGATION_REACH - 1;
    for (let index = 0; index < count; index++) {
      const info = buffer[index]!;
      if (clauseMarks[index] || info.startsClause) lastNegation = -NEGATION_REACH - 1;
      if (info.first.length > 0 || info.firstPrefixed.length > 0) {
        const negated = index - lastNegation <= NEGATION_REACH;
        if (negatedCount || !negated) for (const keyword of info.first) this.note(keyword, index, textNumber);
        if (negatedCount || negated) for (const keyword of info.firstPrefixed) this.note(keyword, index, textNumber);
      }
      const negating = info.negation || (info.word === 't' && index > 0 && !clauseMarks[index] && isNegatingT('t', buffer[index - 1]!.word));
      if (negating && !(index + 1 < count && buffer[index + 1]!.cancelsNegation && !clauseMarks[index + 1])) lastNegation = index;
    }
  }

  /** Adds the theme of `keyword` to `found` (in order) when the key word stands at `start` and its theme is new in this text. */
  private note(keyword: number, start: number, textNumber: number): void {
    const { theme, parts } = this.keywords[keyword]!;
    if (this.namedIn[theme] === textNumber) return;
    if (start + parts.length > this.count) return;
    for (let part = 1; part < parts.length; part++) {
      if (!this.buffer[start + part]!.parts.includes(parts[part]!)) return;
    }
    this.namedIn[theme] = textNumber;
    const found = this.found;
    let at = found.length;
    found.push(theme);
    for (; at > 0 && found[at - 1]! > theme; at--) found[at] = found[at - 1]!;
    found[at] = theme;
  }

  private infoOf(word: string): WordInfo {
    let info = this.wordInfos.get(word);
    if (info === undefined) {
      info = this.describe(word);
      this.wordInfos.set(word, info);
    }
    return info;
  }

  private describe(word: string): WordInfo {
    const parts = this.matchingParts(word, false);
    const prefixed =
      word.startsWith(NEGATING_PREFIX) && word.length - NEGATING_PREFIX.length >= MIN_PREFIXED_REST
        ? this.matchingParts(word.slice(NEGATING_PREFIX.length), true)
        : NONE;
    const firstOf = (list: readonly number[]) => {
      const keywords = this.keywords.flatMap((keyword, number) => (list.includes(keyword.parts[0]!) ? [number] : []));
      return keywords.length === 0 ? NONE : keywords;
    };
    // A word that is un- and a key word is negated as a whole, with the key words found inside it
    // ("unzuverlässig" holds "verlässlich" too).
    return {
      word,
      first: prefixed.length > 0 || parts.length === 0 ? NONE : firstOf(parts),
      firstPrefixed: prefixed.length === 0 ? NONE : firstOf([...prefixed, ...parts]),
      parts,
      negation: NEGATION_WORDS.has(word),
      cancelsNegation: NEGATION_CANCELLERS.has(word),
      startsClause: CLAUSE_WORDS.has(word),
    };
  }

  /**
   * The key parts `word` is: the same stem in the part's language, or (German
   * parts of at least `MIN_COMPOUND_PART` letters) inside a longer word. After
   * the prefix un- (`prefixed`), a compound part must begin the rest
   * ("unerreichbar"), not merely stand in it.
   */
  private matchingParts(word: string, prefixed: boolean): readonly number[] {
    const found: number[] = [];
    const stems: Partial<Record<Language, string>> = {};
    for (const number of this.partsByLetter.get(word[0]!) ?? NONE) {
      const part = this.parts[number]!;
      if (!stemCandidate(word, part)) continue;
      stems[part.language] ??= stem(word, part.language);
      if (stems[part.language] === part.stem) found.push(number);
    }
    const compoundStart = prefixed ? 0 : word.length - MIN_COMPOUND_PART;
    for (let start = 0; start <= compoundStart; start++) {
      for (const number of this.compoundsByTrigram.get(word.slice(start, start + 3)) ?? NONE) {
        const part = this.parts[number]!;
        if (found.includes(number) || word.length <= part.stem.length || !word.startsWith(part.stem, start)) continue;
        found.push(number);
      }
    }
    return found.length === 0 ? NONE : found;
  }
}

/**
 * `normalizeForLexicon` of one piece, with a shortcut for the common case of
 * ASCII letters and digits only (lower case, then the ae/oe/ue passes).
 */
function foldPiece(piece: string): string {
  for (let index = 0; index < piece.length; index++) {
    if (!isAsciiAlphanumeric(piece.charCodeAt(index))) return normalizeForLexicon(piece);
  }
  const lower = piece.toLowerCase();
  return lower.includes('e') ? lower.replaceAll('ae', 'a').replaceAll('oe', 'o').replaceAll('ue', 'u') : lower;
}

function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
}

/** Whether `part`'s stem could be the stem of `word` at all (see `ENGLISH_STEM_TAIL`); saves stemming most words. */
function stemCandidate(word: string, part: KeyPart): boolean {
  if (word.length < part.stem.length) return false;
  if (part.language === 'de') return word.startsWith(part.stem);
  return word.startsWith(part.stem.slice(0, Math.max(1, part.stem.length - ENGLISH_STEM_TAIL)));
}

function append(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

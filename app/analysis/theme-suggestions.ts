/**
 * Suggestions for the theme list: frequent words and two-word phrases of the
 * answers that no theme covers yet (Settings → Themes).
 */
import type { ThemeMatcher } from './themes';
import { foldedWords, stem, STOP_WORDS } from './theme-words';

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
  return stem(stem(word, 'de'), 'en');
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

import { describe, expect, it } from 'vitest';
import { frequentTerms, tokenize } from './words';

describe('frequentTerms', () => {
  it('counts words once per answer and drops German and English stop words', () => {
    const result = frequentTerms([
      'Die persönliche Betreuung ist super, die Betreuung!',
      'Persönliche Betreuung und schnelle Antworten',
      'The personal support and fast answers',
    ]);
    expect(result.words.slice(0, 2)).toEqual([
      { term: 'betreuung', count: 2 },
      { term: 'persönliche', count: 2 },
    ]);
    expect(result.words.map((w) => w.term)).not.toContain('die');
    expect(result.words.map((w) => w.term)).not.toContain('the');
    expect(result.phrases).toEqual([{ term: 'persönliche betreuung', count: 2 }]);
  });

  it('keeps umlauts and hyphenated words, drops numbers', () => {
    expect(tokenize('Rückruf am Freitag-Nachmittag, 24 Stunden')).toEqual(['rückruf', 'am', 'freitag-nachmittag', '24', 'stunden']);
    expect(frequentTerms(['24 Stunden']).words).toEqual([{ term: 'stunden', count: 1 }]);
  });

  it('returns nothing for no text', () => {
    expect(frequentTerms([])).toEqual({ words: [], phrases: [] });
  });
});

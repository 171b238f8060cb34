import { describe, expect, it } from 'vitest';
import { lexiconPhrasesIn, mentionsSecondClass, normalizeForLexicon } from './lexicon';

describe('second-class lexicon', () => {
  it('normalises accents, case, punctuation and spacing', () => {
    expect(normalizeForLexicon('VERNACHLÄSSIGT!')).toBe(' vernachlassigt ');
    expect(normalizeForLexicon('  Kunde zweiter   Klasse… ')).toBe(' kunde zweiter klasse ');
    expect(normalizeForLexicon('second-class;\n"ignored"')).toBe(' second class ignored ');
    expect(normalizeForLexicon('Ａｂｓｔｅｌｌｇｌｅｉｓ')).toBe(' abstellgleis ');
    expect(normalizeForLexicon('')).toBe('  ');
  });

  it('finds phrases whatever their spelling', () => {
    expect(lexiconPhrasesIn('VERNACHLÄSSIGT!')).toEqual(['vernachlässigt']);
    expect(lexiconPhrasesIn('Ich bin Kunde zweiter   Klasse')).toEqual(['zweiter klasse']);
    expect(lexiconPhrasesIn('treated second-class, and Second Rate')).toEqual(['second class', 'second-rate']);
    expect(lexiconPhrasesIn('We are NOT a priority; bigger-clients first')).toEqual(['not a priority', 'bigger clients']);
    expect(lexiconPhrasesIn('links liegen gelassen und ignoriert')).toEqual(['ignoriert', 'links liegen gelassen']);
  });

  it('matches whole words only', () => {
    expect(lexiconPhrasesIn('ignoredness')).toEqual([]);
    expect(lexiconPhrasesIn('abgestellte Ware')).toEqual([]);
    expect(lexiconPhrasesIn('unneglected')).toEqual([]);
    expect(lexiconPhrasesIn('not a prioritization')).toEqual([]);
    expect(lexiconPhrasesIn('neglected.')).toEqual(['neglected']);
  });

  it('looks at every free text', () => {
    expect(mentionsSecondClass(['', 'alles gut', 'fühle mich ignoriert'])).toBe(true);
    expect(mentionsSecondClass(['', '', ''])).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { lexiconPhrasesIn, mentionsSecondClass, normalizeForLexicon, SECOND_CLASS_LEXICON } from './lexicon';

describe('second-class lexicon', () => {
  it('normalises accents, case, spelling, punctuation and spacing', () => {
    expect(normalizeForLexicon('VERNACHLÄSSIGT!')).toBe('vernachlassigt');
    expect(normalizeForLexicon('vernachlaessigt')).toBe('vernachlassigt');
    expect(normalizeForLexicon('Straße, GRÖẞE')).toBe('strasse grosse');
    expect(normalizeForLexicon('Grüße, Goethe')).toBe('grusse gothe');
    expect(normalizeForLexicon('  Kunde 2.   Klasse… ')).toBe('kunde 2 klasse');
    expect(normalizeForLexicon('second-class;\n"ignored"')).toBe('second class ignored');
    expect(normalizeForLexicon('Ａｂｓｔｅｌｌｇｌｅｉｓ')).toBe('abstellgleis');
    expect(normalizeForLexicon('')).toBe('');
  });

  it('replaces ae, oe and ue in single passes, in that order', () => {
    // "aee" → "ae" after the ae pass; the oe and ue passes do not see a new pair.
    expect(normalizeForLexicon('aee')).toBe('ae');
    // "oue": the oe pass finds nothing, the ue pass turns "ue" into "u".
    expect(normalizeForLexicon('oue')).toBe('ou');
    expect(normalizeForLexicon('aoe')).toBe('ao');
  });

  it('finds phrases whatever their spelling', () => {
    expect(lexiconPhrasesIn('VERNACHLÄSSIGT!')).toEqual(['vernachlässigt']);
    expect(lexiconPhrasesIn('Wir werden vernachlaessigt')).toEqual(['vernachlässigt']);
    expect(lexiconPhrasesIn('Ich bin Kunde zweiter   Klasse')).toEqual(['zweiter klasse']);
    expect(lexiconPhrasesIn('treated second-class, and Second Rate')).toEqual(['second class', 'second-rate']);
    expect(lexiconPhrasesIn('Bigger-clients first, we are NOT a priority')).toEqual(['not a priority', 'bigger clients']);
    // the "not" of "not a priority" negates what follows within three words
    expect(lexiconPhrasesIn('We are NOT a priority; bigger-clients first')).toEqual(['not a priority']);
    expect(lexiconPhrasesIn('links liegen gelassen und ignoriert')).toEqual(['ignoriert', 'links liegen gelassen']);
  });

  it('knows the added German and English phrases', () => {
    expect(lexiconPhrasesIn('Die Beratung war zweitklassig')).toEqual(['zweitklassig']);
    expect(lexiconPhrasesIn('zweitrangig behandelt')).toEqual(['zweitrangig']);
    expect(lexiconPhrasesIn('Ich bin nur Kunde 2. Klasse')).toEqual(['kunde 2 klasse']);
    expect(lexiconPhrasesIn('I am just a number to them')).toEqual(['just a number']);
    expect(lexiconPhrasesIn('We are an afterthought.')).toEqual(['afterthought']);
    expect(lexiconPhrasesIn('clearly LOW priority')).toEqual(['low priority']);
  });

  it('lets the last word of a phrase carry a German ending', () => {
    expect(lexiconPhrasesIn('zweitklassige Beratung')).toEqual(['zweitklassig']);
    expect(lexiconPhrasesIn('die ignorierten Kunden')).toEqual(['ignoriert']);
    expect(lexiconPhrasesIn('ein vernachlässigter Kunde')).toEqual(['vernachlässigt']);
    expect(lexiconPhrasesIn('zweitrangiges Projekt, zweitrangigem Ton')).toEqual(['zweitrangig']);
    expect(lexiconPhrasesIn('abgestellte Ware')).toEqual(['abgestellt']);
    // only the listed endings: "klassen" is "klasse" + n
    expect(lexiconPhrasesIn('Kunden zweiter Klassen')).toEqual([]);
  });

  it('matches whole words only', () => {
    expect(lexiconPhrasesIn('ignoredness')).toEqual([]);
    expect(lexiconPhrasesIn('unneglected')).toEqual([]);
    expect(lexiconPhrasesIn('not a prioritization')).toEqual([]);
    expect(lexiconPhrasesIn('zweitklassigkeit')).toEqual([]);
    expect(lexiconPhrasesIn('ignoriertes')).toEqual(['ignoriert']);
    expect(lexiconPhrasesIn('ignoriertx')).toEqual([]);
    // the ending belongs to the last word only
    expect(lexiconPhrasesIn('zweitere klasse')).toEqual([]);
    expect(lexiconPhrasesIn('neglected.')).toEqual(['neglected']);
  });

  it('does not count a phrase with a negation among the three words before it', () => {
    expect(lexiconPhrasesIn('I never felt ignored')).toEqual([]);
    expect(lexiconPhrasesIn('nicht vernachlässigt')).toEqual([]);
    expect(lexiconPhrasesIn('not neglected at all')).toEqual([]);
    expect(lexiconPhrasesIn('No. Ignored.')).toEqual([]);
    expect(lexiconPhrasesIn('Wir fühlen uns keineswegs, nie wirklich vernachlässigt')).toEqual([]);
    expect(lexiconPhrasesIn('hardly an afterthought')).toEqual([]);
    expect(lexiconPhrasesIn('Keine zweitklassige Beratung')).toEqual([]);
    expect(lexiconPhrasesIn('Wir wurden kaum je ignoriert')).toEqual([]);
  });

  it('counts a phrase whose negation stands four or more words before it', () => {
    expect(lexiconPhrasesIn('not at all happy, we feel ignored')).toEqual(['ignored']);
    expect(lexiconPhrasesIn('Nicht gut: wir werden vernachlässigt')).toEqual(['vernachlässigt']);
    // one negated occurrence does not cancel another that is not negated
    expect(lexiconPhrasesIn('never ignored before; now we are ignored all the time')).toEqual(['ignored']);
    // a negation inside the phrase itself is part of the phrase
    expect(lexiconPhrasesIn('Wir sind wohl nicht wichtig genug')).toEqual(['nicht wichtig genug']);
    expect(lexiconPhrasesIn('Clearly we are not a priority')).toEqual(['not a priority']);
  });

  it('matches a workspace’s own phrases by the same rule, after the built-in ones', () => {
    const own = ['Stiefkind', 'hinten anstellen', 'back of the queue'];
    expect(lexiconPhrasesIn('Wir sind das Stiefkind, ignoriert', own)).toEqual(['ignoriert', 'Stiefkind']);
    expect(lexiconPhrasesIn('wir müssen uns hinten anstellen', own)).toEqual(['hinten anstellen']);
    expect(lexiconPhrasesIn('always at the Back of the Queue!', own)).toEqual(['back of the queue']);
    expect(lexiconPhrasesIn('nie das Stiefkinde', own)).toEqual([]);
    expect(lexiconPhrasesIn('Stiefkinder', own)).toEqual(['Stiefkind']);
    expect(lexiconPhrasesIn('Stiefkind', [])).toEqual([]);
    expect(lexiconPhrasesIn('anything', ['!!!', ''])).toEqual([]);
  });

  it('looks at every free text', () => {
    expect(mentionsSecondClass(['', 'alles gut', 'fühle mich ignoriert'])).toBe(true);
    expect(mentionsSecondClass(['', 'I never felt ignored', 'nicht vernachlässigt'])).toBe(false);
    expect(mentionsSecondClass(['', '', ''])).toBe(false);
    expect(mentionsSecondClass(['wie ein Stiefkind'], ['Stiefkind'])).toBe(true);
  });

  it('finds every built-in phrase in its own words', () => {
    for (const phrase of SECOND_CLASS_LEXICON) expect(lexiconPhrasesIn(`Wir: ${phrase}.`)).toContain(phrase);
  });

  it('stays fast on long and adversarial texts', () => {
    const long = `${'ignored not '.repeat(20_000)}${'a'.repeat(100_000)} ${'-'.repeat(100_000)}`;
    const started = performance.now();
    lexiconPhrasesIn(long);
    for (let i = 0; i < 10_000; i++) lexiconPhrasesIn('Die Beratung ist gut, aber wir fühlen uns manchmal etwas vernachlässigt.');
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

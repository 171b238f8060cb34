import { describe, expect, it } from 'vitest';
import { STARTER_THEMES } from './theme-starter';
import { foldedWords, suggestPhrases, ThemeMatcher } from './themes';

const starter = new ThemeMatcher(STARTER_THEMES);

describe('theme coding', () => {
  it('finds German key words through inflections and umlaut spellings', () => {
    expect(starter.themesIn('Die Zuverlässigkeit und die persönliche Betreuung')).toEqual(['personal_contact', 'reliability']);
    expect(starter.themesIn('sehr zuverlaessige Leute')).toEqual(['reliability']);
    expect(starter.themesIn('Ihre schnellen Antworten')).toEqual(['speed']);
    expect(starter.themesIn('die günstigen Preise')).toEqual(['price']);
  });

  it('finds a German key word as a part of a compound', () => {
    expect(starter.themesIn('Die Telefonerreichbarkeit ist top')).toEqual(['reachability']);
    expect(starter.themesIn('Das Preis-Leistungs-Verhältnis')).toEqual(['price']);
    expect(starter.themesIn('Erreichbarkeitsprobleme gab es nie')).toEqual(['reachability']);
    expect(starter.themesIn('Kundenbesuche vor Ort')).toEqual(['personal_contact']);
  });

  it('finds English key words through inflections and phrases over consecutive words', () => {
    expect(starter.themesIn('Prices were fair and they are always reachable.')).toEqual(['reachability', 'price']);
    expect(starter.themesIn('They always called back within the hour')).toEqual(['reachability']);
    expect(starter.themesIn('They answered the phone')).toEqual(['reachability']);
    expect(starter.themesIn('a knowledgeable team, very experienced')).toEqual(['expertise']);
  });

  it('does not code words that only share letters with a key word', () => {
    expect(starter.themesIn('Nichts, wir wechseln sowieso')).toEqual([]);
    // "back" alone is not "call back"; English key words never match inside words.
    expect(starter.themesIn('I would come back for the coffee')).toEqual([]);
    expect(starter.themesIn('')).toEqual([]);
    expect(starter.themesIn(null)).toEqual([]);
  });

  it("uses a workspace's own themes in list order", () => {
    const matcher = new ThemeMatcher([
      { key: 'b', name: { de: 'Rechnung', en: 'Invoices' }, keywords: { de: ['Rechnung'], en: ['invoice'] } },
      { key: 'a', name: { de: 'Software', en: 'Software' }, keywords: { de: ['Portal'], en: ['portal', 'online access'] } },
    ]);
    expect(matcher.themesIn('Das Kundenportal und die Sammelrechnungen')).toEqual(['b', 'a']);
    expect(matcher.themesIn('online access to all invoices')).toEqual(['b', 'a']);
    expect(matcher.themesIn('online only')).toEqual([]);
  });

  it('is deterministic: the same text gives the same themes with a fresh matcher', () => {
    const text = 'Schnelle Rückrufe, kompetente Ansprechpartnerin, faire Kosten';
    expect(new ThemeMatcher(STARTER_THEMES).themesIn(text)).toEqual(starter.themesIn(text));
    expect(starter.themesIn(text)).toEqual(['reachability', 'speed', 'expertise', 'personal_contact', 'price']);
  });
});

describe('negation', () => {
  const withFriendliness = new ThemeMatcher([
    ...STARTER_THEMES,
    { key: 'friendliness', name: { de: 'Freundlichkeit', en: 'Friendliness' }, keywords: { de: ['freundlich'], en: ['friendly'] } },
    { key: 'advice', name: { de: 'Beratung', en: 'Advice' }, keywords: { de: ['Beratung'], en: ['advice'] } },
    { key: 'outage', name: { de: 'Ausfälle', en: 'Outages' }, keywords: { de: ['nicht erreichbar'], en: ['not reachable'] } },
  ]);
  const missMost = (text: string) => withFriendliness.themesIn(text, 'missMost');
  const improve = (text: string) => withFriendliness.themesIn(text, 'improve');

  it('does not count a negated key word in what they would miss, in German with inflections and compounds', () => {
    expect(missMost('nicht erreichbar')).toEqual(['outage']);
    expect(missMost('Man war nie erreichbar')).toEqual([]);
    expect(missMost('kein persönlicher Kontakt')).toEqual([]);
    expect(missMost('Keine feste Ansprechpartnerin mehr')).toEqual([]);
    expect(missMost('keine Telefonerreichbarkeit am Freitag')).toEqual([]);
    expect(missMost('Ohne Rückrufe geht es auch')).toEqual([]);
    expect(missMost('Die Mitarbeiter sind niemals unfreundlich')).toEqual(['friendliness']);
    expect(missMost('unfreundliche Mitarbeiter')).toEqual([]);
    expect(missMost('eher unzuverlässig')).toEqual([]);
    expect(missMost('Die Erreichbarkeit und die persönliche Betreuung')).toEqual(['reachability', 'personal_contact']);
  });

  it('does not count a negated key word in what they would miss, in English with inflections and n\'t forms', () => {
    expect(missMost('never reachable')).toEqual([]);
    expect(missMost('They were not always fast')).toEqual([]);
    expect(missMost('They don\'t call back')).toEqual([]);
    expect(missMost('She isn’t reachable after five')).toEqual([]);
    expect(missMost('hardly ever available')).toEqual([]);
    expect(missMost('without any personal contact')).toEqual([]);
    expect(missMost('unfriendly and unreliable')).toEqual([]);
    expect(missMost('never unreliable')).toEqual(['reliability']);
    expect(missMost('Always reachable, quick answers')).toEqual(['reachability', 'speed']);
  });

  it('counts a negated key word in what they want improved: that is the complaint', () => {
    expect(improve('nicht erreichbar')).toEqual(['reachability', 'outage']);
    expect(improve('kein persönlicher Kontakt')).toEqual(['personal_contact']);
    expect(improve('unfreundliche Mitarbeiter')).toEqual(['friendliness']);
    expect(improve('unfriendly staff, unreliable deliveries')).toEqual(['reliability', 'friendliness']);
    expect(improve('not fast enough')).toEqual(['speed']);
    expect(withFriendliness.themesIn('They never call back', 'alternative')).toEqual(['reachability']);
    // Without an item every mention counts, as before.
    expect(withFriendliness.themesIn('never reachable')).toEqual(['reachability']);
  });

  it('keeps a negation within its clause and a few words', () => {
    expect(missMost('Nicht billig, aber schnell')).toEqual(['speed']);
    expect(missMost('Not cheap but fast')).toEqual(['speed']);
    expect(missMost('Kein Problem. Die Erreichbarkeit ist super')).toEqual(['reachability']);
    expect(missMost('Nicht nur schnell, sondern auch kompetent')).toEqual(['speed', 'expertise']);
    expect(missMost('not only fast')).toEqual(['speed']);
    expect(missMost('Nicht die Preise, sondern die Erreichbarkeit und faire Preise')).toEqual(['reachability', 'price']);
    // Four words after the negation are out of its reach; a negation after the key word does not reach back.
    expect(missMost('Nicht so wichtig, eigentlich nur der Preis')).toEqual(['price']);
    expect(missMost('no matter what, the fast answers')).toEqual(['speed']);
    expect(missMost('Das Fachwissen, das wir intern nicht haben')).toEqual(['expertise']);
  });

  it('reads the prefix un- only before the key word itself', () => {
    expect(missMost('Unternehmensberatung aus einer Hand')).toEqual(['advice']);
    expect(missMost('unerreichbar')).toEqual([]);
    expect(improve('unerreichbar')).toEqual(['reachability']);
  });

  it('codes the raw text as its folded words, whatever the punctuation', () => {
    for (const text of ['Schnelligkeit!!! und—Preis… „Kompetenz“', 'ÄÖÜ Straße Grüße Erreichbärkeit', 'naïve café, ﬁne €uro', 'call back', 'Preis-Leistungs-Verhältnis']) {
      expect(withFriendliness.themesIn(text)).toEqual(withFriendliness.themeIndexesIn(foldedWords(text)).map((index) => withFriendliness.themes[index]!.key));
    }
  });
});

describe('phrase suggestions', () => {
  it('counts frequent phrases no theme covers, once per answer, by stems', () => {
    const texts = [
      'Die digitale Rechnung, die digitale Rechnung',
      'digitale Rechnungen wären toll',
      'Digitale Rechnung und schnelle Antworten',
      'Das Kundenportal',
      'Kundenportal',
      'the online portal',
    ];
    // The phrase said in three answers stands for its two words (each also in three answers);
    // "Kundenportal" in two answers is not frequent enough.
    expect(suggestPhrases(starter, texts)).toEqual([{ stems: 'digit rechnung', example: 'digitale rechnung', count: 3 }]);
    // "schnelle" is covered by the speed theme, "die" and "und" are stop words.
    const loose = suggestPhrases(starter, ['die schnelle Antwort und', 'die schnelle Antwort und', 'die schnelle Antwort und']);
    expect(loose.map((suggestion) => suggestion.example)).toEqual(['antwort']);
  });

  it('leaves out what a theme covers and orders by count, then phrases, then stems', () => {
    const texts = ['Newsletter', 'newsletters', 'Newsletter', 'Workshops', 'workshop', 'workshop', 'schneller', 'schneller', 'schneller'];
    expect(suggestPhrases(starter, texts)).toEqual([
      { stems: 'newslett', example: 'newsletter', count: 3 },
      { stems: 'workshop', example: 'workshop', count: 3 },
    ]);
  });
});

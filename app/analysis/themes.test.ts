import { describe, expect, it } from 'vitest';
import { STARTER_THEMES } from './theme-starter';
import { suggestPhrases, ThemeMatcher } from './themes';

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

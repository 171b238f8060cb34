/**
 * The most frequent words and two-word phrases in free-text answers, with
 * German and English stop words removed. Counted once per answer, so one
 * long answer cannot dominate.
 */
const STOP_WORDS = new Set(
  `a about above after again all also am an and any are as at be because been before being below between both but by can could
  did do does doing down during each few for from further had has have having he her here hers him his how i if in into is it its
  itself just me more most my no nor not now of off on once only or other our ours out over own same she should so some such than
  that the their theirs them then there these they this those through to too under until up very was we were what when where which
  while who whom why will with would you your yours us get got really much many one thing things
  aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes anders auch auf aus bei bin bis
  bist da damit dann das dass dein deine dem den der des dessen dich die dies diese diesem diesen dieser dieses dir doch dort du
  durch ein eine einem einen einer eines einig einige einigem einigen einiger einiges einmal er es etwas euch euer eure für gegen
  gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im in indem ins ist
  jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt kann kein keine keinem keinen keiner keines können könnte machen
  man manche manchem manchen mancher manches mein meine meinem meinen meiner meines mich mir mit muss musste nach nicht nichts noch
  nun nur ob oder ohne sehr sein seine seinem seinen seiner seines selbst sich sie sind so solche solchem solchen solcher solches
  soll sollte sondern sonst über um und uns unsere unserem unseren unser unseres unter viel vom von vor war waren warst was weg
  weil weiter welche welchem welchen welcher welches wenn werde werden wie wieder will wir wird wirst wo wollen wollte würde würden
  zu zum zur zwar zwischen immer mal schon ganz gibt geht wäre wären`.split(/\s+/),
);

export interface TermCount {
  term: string;
  count: number;
}

/** Lower-cased word tokens of a text, letters and digits only (umlauts kept). */
export function tokenize(text: string): string[] {
  return text.toLocaleLowerCase('de').match(/[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*/gu) ?? [];
}

/**
 * Words and two-word phrases by the number of answers that contain them,
 * most frequent first (ties alphabetical). Stop words, one-letter words and
 * numbers are left out; a phrase is two neighbouring non-stop words.
 */
export function frequentTerms(texts: readonly string[], limit = 20): { words: TermCount[]; phrases: TermCount[] } {
  const words = new Map<string, number>();
  const phrases = new Map<string, number>();
  for (const text of texts) {
    const tokens = tokenize(text);
    const keep = (token: string) => token.length > 1 && !STOP_WORDS.has(token) && !/^\p{N}+$/u.test(token);
    const seenWords = new Set(tokens.filter(keep));
    const seenPhrases = new Set<string>();
    for (let i = 0; i + 1 < tokens.length; i++) {
      if (keep(tokens[i]!) && keep(tokens[i + 1]!)) seenPhrases.add(`${tokens[i]} ${tokens[i + 1]}`);
    }
    for (const word of seenWords) words.set(word, (words.get(word) ?? 0) + 1);
    for (const phrase of seenPhrases) phrases.set(phrase, (phrases.get(phrase) ?? 0) + 1);
  }
  const top = (counts: Map<string, number>, min: number) =>
    [...counts]
      .filter(([, count]) => count >= min)
      .map(([term, count]) => ({ term, count }))
      .sort((a, b) => b.count - a.count || a.term.localeCompare(b.term))
      .slice(0, limit);
  // A phrase said once is noise; a word said once can still matter in a small campaign.
  return { words: top(words, 1), phrases: top(phrases, 2) };
}

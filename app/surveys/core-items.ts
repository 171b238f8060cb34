/**
 * The core items every survey contains (DESIGN.md). Their ids are fixed so
 * results compare across surveys and quarters; each is a column of the
 * `responses` table. `{company}` is replaced by the workspace's name.
 */
export type CoreItemKind = 'miss_us' | 'text' | 'agree5' | 'scale5' | 'scale10';

export interface CoreItem {
  id: CoreItemId;
  kind: CoreItemKind;
  text: { en: string; de: string };
}

export const coreItemIds = [
  'miss_us',
  'miss_most',
  'alternative',
  'treat_valued',
  'treat_responsive',
  'treat_equal',
  'treat_promise',
  'benefit',
  'csat',
  'recommend',
  'improve',
] as const;
export type CoreItemId = (typeof coreItemIds)[number];

export const treatmentItemIds = ['treat_valued', 'treat_responsive', 'treat_equal', 'treat_promise'] as const;

export const coreItems: readonly CoreItem[] = [
  {
    id: 'miss_us',
    kind: 'miss_us',
    text: {
      en: 'How would you feel if you could no longer work with {company}?',
      de: 'Wie würden Sie sich fühlen, wenn Sie nicht mehr mit {company} zusammenarbeiten könnten?',
    },
  },
  { id: 'miss_most', kind: 'text', text: { en: 'What would you miss most?', de: 'Was würden Sie am meisten vermissen?' } },
  {
    id: 'alternative',
    kind: 'text',
    text: {
      en: 'What would you use instead if {company} were gone?',
      de: 'Was würden Sie stattdessen nutzen, wenn es {company} nicht mehr gäbe?',
    },
  },
  { id: 'treat_valued', kind: 'agree5', text: { en: 'I feel valued as a customer.', de: 'Ich fühle mich als Kunde wertgeschätzt.' } },
  {
    id: 'treat_responsive',
    kind: 'agree5',
    text: { en: 'When I need something, I get a timely answer.', de: 'Wenn ich etwas brauche, bekomme ich zeitnah eine Antwort.' },
  },
  {
    id: 'treat_equal',
    kind: 'agree5',
    text: { en: 'I am treated as well as any other customer.', de: 'Ich werde so gut behandelt wie jeder andere Kunde.' },
  },
  {
    id: 'treat_promise',
    kind: 'agree5',
    text: { en: 'The service I get is what was agreed with me.', de: 'Die Leistung, die ich bekomme, entspricht dem Vereinbarten.' },
  },
  {
    id: 'benefit',
    kind: 'agree5',
    text: { en: 'Working with {company} brings me real benefit.', de: 'Die Zusammenarbeit mit {company} bringt mir echten Nutzen.' },
  },
  {
    id: 'csat',
    kind: 'scale5',
    text: { en: 'Overall, how satisfied are you with {company}?', de: 'Wie zufrieden sind Sie insgesamt mit {company}?' },
  },
  {
    id: 'recommend',
    kind: 'scale10',
    text: {
      en: 'How likely are you to recommend {company} to a friend or colleague?',
      de: 'Wie wahrscheinlich ist es, dass Sie {company} einem Freund oder Kollegen empfehlen?',
    },
  },
  { id: 'improve', kind: 'text', text: { en: 'What should {company} do better?', de: 'Was sollte {company} besser machen?' } },
];

export const missUsOptions = {
  very: { en: 'Very disappointed', de: 'Sehr enttäuscht' },
  somewhat: { en: 'Somewhat disappointed', de: 'Etwas enttäuscht' },
  not: { en: 'Not disappointed', de: 'Nicht enttäuscht' },
  na: { en: 'Does not apply', de: 'Trifft nicht zu' },
} as const;

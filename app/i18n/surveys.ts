/** Texts of the surveys area, German and English (the English object defines the keys). */
export const surveysTexts = {
  en: {
    title: 'Surveys',
    coreItems: 'Core questions (in every survey)',
    version: 'Version {{version}}',
    customQuestions: '{{count}} custom questions',
    frozen: 'in use by a campaign',
  },
  de: {
    title: 'Umfragen',
    coreItems: 'Kernfragen (in jeder Umfrage)',
    version: 'Version {{version}}',
    customQuestions: '{{count}} eigene Fragen',
    frozen: 'von einer Kampagne verwendet',
  },
} as const;

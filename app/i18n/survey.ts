/**
 * Texts of the pages and messages customers see (the survey). German and
 * English; the English object defines the keys.
 */
export const surveyTexts = {
  en: {
    title: 'Survey',
  },
  de: {
    title: 'Umfrage',
  },
} as const;

/**
 * The starter theme list for service businesses, which every new workspace
 * gets (and which `analyze` codes with). Key words are stems' sources: one
 * word stands for its inflections, and a German word also for the compounds
 * that contain it (see themes.ts), so "erreichbar" covers "Erreichbarkeit"
 * and "Telefonerreichbarkeit".
 */
import type { ThemeDefinition } from './themes';

export const STARTER_THEMES: readonly ThemeDefinition[] = [
  {
    key: 'reachability',
    name: { de: 'Erreichbarkeit', en: 'Reachability' },
    keywords: {
      de: ['erreichbar', 'Erreichbarkeit', 'Rückruf', 'Hotline', 'ans Telefon', 'jederzeit ansprechbar'],
      en: ['reachable', 'reachability', 'available', 'availability', 'call back', 'callback', 'hotline', 'answer the phone', 'get hold of'],
    },
  },
  {
    key: 'speed',
    name: { de: 'Schnelligkeit', en: 'Speed' },
    keywords: {
      de: ['schnell', 'Schnelligkeit', 'zügig', 'rasch', 'sofort', 'Reaktionszeit', 'prompt'],
      en: ['fast', 'quick', 'quickly', 'speed', 'prompt', 'responsive', 'turnaround', 'same day'],
    },
  },
  {
    key: 'expertise',
    name: { de: 'Fachwissen', en: 'Expertise' },
    keywords: {
      de: ['Fachwissen', 'Kompetenz', 'kompetent', 'Expertise', 'Erfahrung', 'Know-how', 'fachlich', 'Beratungsqualität'],
      en: ['expertise', 'expert', 'knowledge', 'knowledgeable', 'competent', 'competence', 'experience', 'know-how', 'skilled'],
    },
  },
  {
    key: 'personal_contact',
    name: { de: 'Persönlicher Kontakt', en: 'Personal contact' },
    keywords: {
      de: ['persönlich', 'Ansprechpartner', 'Ansprechpartnerin', 'Betreuer', 'Betreuung', 'vor Ort', 'Besuch', 'kennt uns'],
      en: ['personal', 'contact person', 'account manager', 'on site', 'visit', 'knows us', 'relationship', 'face to face'],
    },
  },
  {
    key: 'price',
    name: { de: 'Preis', en: 'Price' },
    keywords: {
      de: ['Preis', 'günstig', 'Kosten', 'teuer', 'Honorar', 'billig'],
      en: ['price', 'pricing', 'cheap', 'cost', 'costs', 'expensive', 'fee', 'fees', 'value for money', 'affordable'],
    },
  },
  {
    key: 'reliability',
    name: { de: 'Verlässlichkeit', en: 'Reliability' },
    keywords: {
      de: ['zuverlässig', 'verlässlich', 'Zuverlässigkeit', 'Verlässlichkeit', 'pünktlich', 'Termintreue', 'Absprachen'],
      en: ['reliable', 'reliability', 'dependable', 'on time', 'keep promises', 'consistent', 'trustworthy'],
    },
  },
  {
    key: 'proactivity',
    name: { de: 'Eigeninitiative', en: 'Proactivity' },
    keywords: {
      de: ['proaktiv', 'vorausschauend', 'Eigeninitiative', 'von sich aus', 'Ideen', 'Vorschläge', 'mitdenken'],
      en: ['proactive', 'proactively', 'anticipate', 'initiative', 'ideas', 'suggestions', 'think ahead'],
    },
  },
];

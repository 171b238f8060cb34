/** Names and verbatims of the demo workspace. Invented; any likeness is chance. */

export const firstNames = {
  de: ['Anna', 'Jonas', 'Lea', 'Lukas', 'Marie', 'Felix', 'Sophie', 'Paul', 'Laura', 'Tim', 'Julia', 'Jan', 'Katrin', 'Stefan', 'Sabine', 'Thomas', 'Claudia', 'Michael', 'Petra', 'Andreas', 'Nina', 'Florian', 'Miriam', 'Tobias', 'Eva', 'Markus', 'Ute', 'Ralf', 'Heike', 'Jürgen'],
  en: ['Emma', 'Oliver', 'Grace', 'Henry', 'Chloe', 'James', 'Amelia', 'Thomas', 'Isla', 'George', 'Lucy', 'Daniel', 'Ruby', 'Samuel', 'Ella', 'William'],
};

export const lastNames = {
  de: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Schmitt', 'Werner', 'Krause', 'Meier', 'Lehmann', 'Köhler', 'Herrmann', 'Walter', 'König', 'Mayer', 'Huber', 'Kaiser', 'Fuchs', 'Peters', 'Lang', 'Scholz', 'Möller'],
  en: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green'],
};

export const companyWords = {
  de: ['Logistik', 'Bau', 'Haustechnik', 'Steuerkanzlei', 'Metallbau', 'Immobilien', 'Elektro', 'Druckerei', 'Maschinenbau', 'Gartenbau', 'Autohaus', 'Zahntechnik', 'Holzbau', 'Reisen', 'Medien', 'Praxis', 'Verpackung', 'Software', 'Energie', 'Handel'],
  en: ['Logistics', 'Design', 'Trading', 'Engineering', 'Media', 'Consulting', 'Software', 'Foods', 'Analytics', 'Studio'],
};

export const companyForms = { de: ['GmbH', 'GmbH & Co. KG', 'AG', 'e.K.', 'KG', 'GmbH'], en: ['Ltd', 'LLC', 'Inc.', 'Ltd'] };

type Pool = { de: string[]; en: string[] };

export const missMost: Record<'very' | 'somewhat' | 'not', Pool> = {
  very: {
    de: ['Die persönliche Betreuung durch mein festes Team.', 'Dass ich jederzeit anrufen kann und sofort Hilfe bekomme.', 'Das Fachwissen, das wir intern nicht haben.', 'Die schnellen Antworten und die Verlässlichkeit.', 'Die ehrliche Beratung, auch wenn sie unbequem ist.'],
    en: ['The personal support from a team that knows us.', 'Fast, reliable answers whenever we need them.', 'The expertise we do not have in-house.', 'Honest advice, even when it is uncomfortable.'],
  },
  somewhat: {
    de: ['Die Auswertungen am Quartalsende.', 'Den bequemen Ablauf, man muss sich um wenig kümmern.', 'Die Erfahrung in unserer Branche.', 'Eigentlich nur die Gewohnheit.'],
    en: ['The quarterly reports.', 'The convenience, we do not have to think about it.', 'Their experience in our industry.'],
  },
  not: {
    de: ['Nicht viel, ehrlich gesagt.', 'Den Preis vielleicht.', 'Schwer zu sagen.'],
    en: ['Not much, to be honest.', 'Maybe the price.', 'Hard to say.'],
  },
};

export const alternatives: Record<'very' | 'somewhat' | 'not', Pool> = {
  very: {
    de: ['Keine Ahnung, es gibt kaum Vergleichbares.', 'Wir müssten jemanden einstellen.', 'Vermutlich mehrere Anbieter zusammen.'],
    en: ['No idea, there is nothing comparable.', 'We would have to hire someone.', 'Probably several providers combined.'],
  },
  somewhat: {
    de: ['Einen der größeren Anbieter in der Region.', 'Eine Online-Lösung.', 'Einen Freelancer.'],
    en: ['One of the bigger firms in the region.', 'An online tool.', 'A freelancer.'],
  },
  not: {
    de: ['Einen günstigeren Anbieter, die gibt es genug.', 'Das machen wir dann selbst.', 'Irgendeinen anderen Dienstleister.'],
    en: ['A cheaper provider, there are plenty.', 'We would do it ourselves.', 'Any other service provider.'],
  },
};

export const improvements: Pool = {
  de: ['Rechnungen verständlicher gestalten.', 'Termine früher bestätigen.', 'Mehr Informationen zu neuen Angeboten.', 'Weiter so!', 'Die Erreichbarkeit am Freitagnachmittag.', 'Ein Online-Portal für Unterlagen wäre gut.', ''],
  en: ['Clearer invoices.', 'Confirm appointments earlier.', 'More information about new services.', 'Keep it up!', 'Better availability on Friday afternoons.', ''],
};

/**
 * What customers who feel second-class write. Each one trips the flag lexicon
 * (DESIGN.md), in German or English.
 */
export const secondClassVerbatims: Array<{ locale: 'de' | 'en'; field: 'improve' | 'miss_most' | 'alternative'; text: string }> = [
  { locale: 'de', field: 'improve', text: 'Seit letztem Jahr fühle ich mich wie ein Kunde zweiter Klasse. Rückrufe kommen erst am nächsten Tag.' },
  { locale: 'de', field: 'improve', text: 'Wir kommen uns abgestellt vor, niemand meldet sich mehr von selbst.' },
  { locale: 'de', field: 'improve', text: 'Offenbar sind wir nicht wichtig genug für einen Besuch vor Ort.' },
  { locale: 'en', field: 'improve', text: 'It feels like bigger clients always come first and we are an afterthought.' },
  { locale: 'de', field: 'improve', text: 'Seit dem Wechsel des Ansprechpartners fühlen wir uns vernachlässigt.' },
  { locale: 'en', field: 'improve', text: 'Our requests were ignored for two weeks. We used to get same-day answers.' },
  { locale: 'de', field: 'alternative', text: 'Einen Anbieter, bei dem wir nicht auf dem Abstellgleis landen.' },
];

/**
 * What A customers said they would miss about being able to reach the
 * company: said less every quarter in the demo (an eroding strength).
 */
export const reachabilityMissMost: Pool = {
  de: ['Die Erreichbarkeit: Man hat immer sofort jemanden am Telefon.', 'Dass mein Ansprechpartner jederzeit erreichbar ist.', 'Die gute telefonische Erreichbarkeit, auch kurzfristig.', 'Den schnellen Rückruf, wenn es brennt.'],
  en: ['Being able to reach someone at once, every time.', 'That they are always reachable, even at short notice.', 'The quick call back whenever we need it.'],
};

/** What the demo company promises each tier, recorded as an owner does in Settings › Tiers. */
export const tierPromises: Record<'A' | 'B' | 'C', string> = {
  A: 'Rückruf am selben Tag',
  B: 'Antwort innerhalb von 2 Werktagen',
  C: 'Antwort innerhalb einer Woche',
};

/** Texts of account safety (demo accounts, members, sessions), German and English. */
export const securityTexts = {
  en: {
    demoBadge: 'Demo',
    demoBadgeTitle: 'Demo account: sample data, and a password that is published. Do not enter real customer data here.',
  },
  de: {
    demoBadge: 'Demo',
    demoBadgeTitle: 'Demo-Zugang: Beispieldaten und ein öffentlich bekanntes Passwort. Geben Sie hier keine echten Kundendaten ein.',
  },
};

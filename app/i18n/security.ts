/** Texts of account safety (demo accounts, members, sessions), German and English. */
export const securityTexts = {
  en: {
    demoBadge: 'Demo',
    demoBadgeTitle: 'Demo account: sample data, and a password that is published. Do not enter real customer data here.',
    sessions: {
      title: 'Sign-ins',
      intro: 'A sign-in lasts 14 days without use and 30 days at most. Signing out everywhere ends it in every browser, including this one.',
      everywhere: 'Sign out everywhere',
    },
  },
  de: {
    demoBadge: 'Demo',
    demoBadgeTitle: 'Demo-Zugang: Beispieldaten und ein öffentlich bekanntes Passwort. Geben Sie hier keine echten Kundendaten ein.',
    sessions: {
      title: 'Anmeldungen',
      intro: 'Eine Anmeldung gilt 14 Tage ohne Nutzung und höchstens 30 Tage. „Überall abmelden“ beendet sie in jedem Browser, auch in diesem.',
      everywhere: 'Überall abmelden',
    },
  },
};

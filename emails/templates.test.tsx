import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { renderSurveyTemplate, surveyLinks, surveySubject, type SurveyEmailContext } from '../app/campaigns/campaign-emails.server';
import { composeEmail, escapeHtml, fillPlaceholders, renderEmail } from '../app/email/templates.server';
import { translator } from '../app/i18n';
import PasswordResetEmail from './password-reset';
import SignupAttemptEmail from './signup-attempt';
import TeamInvitationEmail from './team-invitation';

const ctx: SurveyEmailContext = {
  workspaceId: '00000000-0000-4000-8000-000000000001',
  campaignId: '00000000-0000-4000-8000-000000000002',
  company: 'Muster & Söhne <GmbH>',
  sender: 'Petra Inhaber',
  closesAt: new Date(Date.UTC(2026, 11, 31, 22, 59)),
  appUrl: 'https://surveys.example.com',
  from: 'Petra Inhaber <surveys@wouldmiss.example>',
};

const token = 'tok_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

async function filled(kind: 'invitation' | 'reminder', locale: 'de' | 'en', name: string | null) {
  const template = await renderSurveyTemplate(kind, locale, name !== null, ctx);
  const variables: Record<string, string> = name ? { name, token } : { token };
  return composeEmail({ subject: surveySubject(kind, locale, ctx.company), html: null, text: null, headers: {}, variables, template });
}

describe('survey emails', () => {
  for (const locale of ['de', 'en'] as const) {
    it(`renders the invitation in ${locale} with the miss-us question as three answer links`, async () => {
      const email = await filled('invitation', locale, 'Anna Beispiel');
      const links = surveyLinks(ctx.appUrl, token);
      for (const url of Object.values(links.answers)) {
        expect(email.html).toContain(`href="${url}"`);
        expect(email.text).toContain(url);
      }
      expect(email.html).toContain(`href="${links.unsubscribe}"`);
      expect(email.html).toContain(locale === 'de' ? 'Sehr enttäuscht' : 'Very disappointed');
      expect(email.html).toContain(escapeHtml('Muster & Söhne <GmbH>'));
      expect(email.text).toContain(locale === 'de' ? 'Guten Tag Anna Beispiel,' : 'Dear Anna Beispiel,');
      expect(email.text).toContain('Petra Inhaber');
      expect(`${email.html}${email.text}`).not.toMatch(/%%WM_|tier|Stufe/i);
      expect(email.headers).toEqual({ 'List-Unsubscribe': `<${links.unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
      expect(email.subject).toBe(locale === 'de' ? 'Muster & Söhne <GmbH>: Würden Sie uns vermissen?' : 'Muster & Söhne <GmbH>: would you miss us?');
    });

    it(`renders the reminder in ${locale}, without a name when there is none`, async () => {
      const email = await filled('reminder', locale, null);
      expect(email.text).toContain(locale === 'de' ? 'Guten Tag,' : 'Hello,');
      expect(email.text).toContain(locale === 'de' ? '31. Dezember 2026' : '31 December 2026');
      expect(email.html).toContain(`href="${surveyLinks(ctx.appUrl, token).survey}"`);
      expect(email.text).not.toMatch(/%%WM_/);
    });

    it(`renders the password reset and the team invitation in ${locale}`, async () => {
      const t = translator(locale);
      const reset = await renderEmail(
        createElement(PasswordResetEmail, {
          lang: locale,
          resetUrl: 'https://app.example.com/reset/abc',
          texts: {
            preview: t('emails.passwordReset.preview', { email: 'a@b.example' }),
            heading: t('emails.passwordReset.heading'),
            body: t('emails.passwordReset.body', { email: 'a@b.example' }),
            button: t('emails.passwordReset.button'),
            expiry: t('emails.passwordReset.expiry', { minutes: 30 }),
          },
        }),
      );
      expect(reset.text).toContain('https://app.example.com/reset/abc');
      expect(reset.text).toContain(locale === 'de' ? '30 Minuten' : '30 minutes');
      const team = await renderEmail(
        createElement(TeamInvitationEmail, {
          lang: locale,
          acceptUrl: 'https://app.example.com/join/xyz',
          texts: {
            preview: 'p',
            heading: t('email.teamInvitation.heading', { workspace: 'Muster' }),
            body: 'b',
            button: t('email.teamInvitation.button'),
            expiry: t('email.teamInvitation.expiry'),
          },
        }),
      );
      expect(team.html).toContain('href="https://app.example.com/join/xyz"');
      expect(team.text.length).toBeGreaterThan(0);
    });

    it(`renders the sign-up attempt notice in ${locale} with sign-in first and the password reset second`, async () => {
      const t = translator(locale);
      const key = (name: string) => t(`security.signupAttemptEmail.${name}`, { email: 'a@b.example' });
      const email = await renderEmail(
        createElement(SignupAttemptEmail, {
          lang: locale,
          loginUrl: 'https://app.example.com/login',
          resetUrl: 'https://app.example.com/password/forgot',
          texts: { preview: key('preview'), heading: key('heading'), body: key('body'), signIn: key('signIn'), resetHint: key('resetHint'), reset: key('reset'), ignore: key('ignore') },
        }),
      );
      const order = ['body', 'signIn', 'resetHint', 'reset', 'ignore'].map((name) => email.text.indexOf(key(name)));
      expect(order.every((at) => at >= 0), `all texts in ${email.text}`).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(email.text.indexOf('https://app.example.com/login')).toBeLessThan(email.text.indexOf('https://app.example.com/password/forgot'));
      expect(email.html).toContain('href="https://app.example.com/password/forgot"');
    });
  }

});

describe('filling placeholders', () => {
  it('escapes values in HTML and never expands a value that looks like a placeholder', () => {
    const template = '<p>Hi %%WM_NAME%%</p><a href="/s/%%WM_TOKEN%%">go</a> %%WM_OTHER%%';
    const html = fillPlaceholders(template, { name: `"O'Hara" <b>&</b> %%WM_TOKEN%%`, token: 'T' }, escapeHtml);
    expect(html).toBe('<p>Hi &quot;O&#x27;Hara&quot; &lt;b&gt;&amp;&lt;/b&gt; %%WM_TOKEN%%</p><a href="/s/T">go</a> %%WM_OTHER%%');
  });

  it('keeps header values on one line', () => {
    const email = composeEmail({
      subject: 's',
      html: null,
      text: null,
      headers: {},
      variables: { token: 'a\r\nBcc: victim@example.com' },
      template: { html: '', text: '', headers: { 'List-Unsubscribe': '<https://x/u/%%WM_TOKEN%%>' } },
    });
    expect(email.headers['List-Unsubscribe']).toBe('<https://x/u/a Bcc: victim@example.com>');
  });
});

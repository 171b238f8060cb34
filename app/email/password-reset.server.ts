import { createElement } from 'react';
import type { Database } from '../../db/client.server';
import PasswordResetEmail from '../../emails/password-reset';
import { translator, type Locale } from '../i18n';
import { queueEmail } from './outbox.server';

/**
 * Queues the password-reset email of a member. The caller (the sign-in area)
 * makes the token and the link and passes a key unique to that request
 * (e.g. `password-reset:<reset id>`), so a repeated call sends nothing new.
 */
export async function queuePasswordReset(
  db: Database,
  input: { to: string; locale: Locale; resetUrl: string; expiresInMinutes: number; idempotencyKey: string; workspaceId?: string | null },
): Promise<{ id: string; duplicate: boolean }> {
  const t = translator(input.locale);
  const vars = { email: input.to, minutes: input.expiresInMinutes };
  return queueEmail(db, {
    kind: 'password_reset',
    workspaceId: input.workspaceId ?? null,
    to: input.to,
    fromName: 'Wouldmiss',
    subject: t('emails.passwordReset.subject', vars),
    body: createElement(PasswordResetEmail, {
      lang: input.locale,
      resetUrl: input.resetUrl,
      texts: {
        preview: t('emails.passwordReset.preview', vars),
        heading: t('emails.passwordReset.heading', vars),
        body: t('emails.passwordReset.body', vars),
        button: t('emails.passwordReset.button', vars),
        expiry: t('emails.passwordReset.expiry', vars),
      },
    }),
    idempotencyKey: input.idempotencyKey,
    link: input.resetUrl,
  });
}

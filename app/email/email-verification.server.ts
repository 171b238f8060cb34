import { createElement } from 'react';
import type { Database } from '../../db/client.server';
import EmailVerificationEmail from '../../emails/email-verification';
import { translator, type Locale } from '../i18n';
import { queueEmail } from './outbox.server';

/**
 * Queues the email that asks a workspace's owner to confirm their address.
 * The caller (the sign-in area) makes the link and passes a key unique to
 * that request, so a repeated call sends nothing new.
 */
export async function queueEmailVerification(
  db: Database,
  input: { workspaceId: string; company: string; to: string; locale: Locale; verifyUrl: string; idempotencyKey: string },
): Promise<{ id: string; duplicate: boolean }> {
  const t = translator(input.locale);
  const vars = { email: input.to, company: input.company };
  return queueEmail(db, {
    kind: 'email_verification',
    workspaceId: input.workspaceId,
    to: input.to,
    fromName: 'Wouldmiss',
    subject: t('emails.emailVerification.subject', vars),
    body: createElement(EmailVerificationEmail, {
      lang: input.locale,
      verifyUrl: input.verifyUrl,
      texts: {
        preview: t('emails.emailVerification.preview', vars),
        heading: t('emails.emailVerification.heading', vars),
        body: t('emails.emailVerification.body', vars),
        button: t('emails.emailVerification.button', vars),
        expiry: t('emails.emailVerification.expiry', vars),
      },
    }),
    idempotencyKey: input.idempotencyKey,
    link: input.verifyUrl,
  });
}

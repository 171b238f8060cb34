import { createElement } from 'react';
import type { Database } from '../../db/client.server';
import SignupAttemptEmail from '../../emails/signup-attempt';
import { translator, type Locale } from '../i18n';
import { queueEmail } from './outbox.server';

/**
 * Queues the notice to an account's address that someone tried to sign up
 * with it, with a link to sign in and one to choose a new password. Like a
 * password reset it belongs to the person, not to a workspace's outbox.
 */
export async function queueSignupAttempt(
  db: Database,
  input: { to: string; locale: Locale; appUrl: string; idempotencyKey: string },
): Promise<{ id: string; duplicate: boolean }> {
  const t = translator(input.locale);
  const vars = { email: input.to };
  const loginUrl = `${input.appUrl}/login`;
  return queueEmail(db, {
    kind: 'signup_attempt',
    workspaceId: null,
    to: input.to,
    fromName: 'Wouldmiss',
    subject: t('security.signupAttemptEmail.subject', vars),
    body: createElement(SignupAttemptEmail, {
      lang: input.locale,
      loginUrl,
      resetUrl: `${input.appUrl}/password/forgot`,
      texts: {
        preview: t('security.signupAttemptEmail.preview', vars),
        heading: t('security.signupAttemptEmail.heading', vars),
        body: t('security.signupAttemptEmail.body', vars),
        signIn: t('security.signupAttemptEmail.signIn', vars),
        resetHint: t('security.signupAttemptEmail.resetHint', vars),
        reset: t('security.signupAttemptEmail.reset', vars),
        ignore: t('security.signupAttemptEmail.ignore', vars),
      },
    }),
    idempotencyKey: input.idempotencyKey,
    link: loginUrl,
  });
}

import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { verifyWorkspaceEmail } from '~/auth/email-verification.server';
import { startSession } from '~/auth/session.server';
import { db } from '~/db.server';
import { AuthFrame } from '~/ui/auth-frame';

export const meta: MetaFunction = () => [{ title: 'Wouldmiss' }];

// Following the link is the confirmation: it changes nothing but one timestamp, and a second visit changes nothing.
// The visit that confirms also signs the new owner in (sign-up itself does not, see
// docs/decisions/0022-neutral-sign-up.md); later visits only say the address is confirmed,
// so a forwarded or re-opened email is no standing way into the account.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const verified = await verifyWorkspaceEmail(db(), params.token ?? '');
  const headers = new Headers({ 'Referrer-Policy': 'no-referrer' });
  if (verified?.confirmedNow) headers.set('Set-Cookie', await startSession(db(), request, verified.userId, verified.workspaceId));
  return json({ verified: verified !== null }, { status: verified ? 200 : 404, headers });
}

export default function VerifyEmailPage() {
  const { t } = useTranslation();
  const { verified } = useLoaderData<typeof loader>();
  return (
    <AuthFrame title={t('security.verification.title')}>
      <p role={verified ? 'status' : 'alert'} className={verified ? 'alert alert-success' : 'alert alert-warning'}>
        {t(verified ? 'security.verification.done' : 'security.verification.invalid')}
      </p>
      <p className="switch">
        <Link to="/app/campaigns">{t('security.verification.toApp')}</Link>
      </p>
    </AuthFrame>
  );
}

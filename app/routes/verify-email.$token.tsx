import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { verifyWorkspaceEmail } from '~/auth/email-verification.server';
import { db } from '~/db.server';
import { AuthFrame } from '~/ui/auth-frame';

export const meta: MetaFunction = () => [{ title: 'Wouldmiss' }];

// Following the link is the confirmation: it changes nothing but one timestamp, and a second visit changes nothing.
export async function loader({ params }: LoaderFunctionArgs) {
  const verified = await verifyWorkspaceEmail(db(), params.token ?? '');
  return json({ verified: verified !== null }, { status: verified ? 200 : 404, headers: { 'Referrer-Policy': 'no-referrer' } });
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

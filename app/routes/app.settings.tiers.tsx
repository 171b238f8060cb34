import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { getTierSettings } from '~/customers/tiers.server';
import { db } from '~/db.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request, 'owner');
  return json(await getTierSettings(db(), member.workspace.id));
}

export default function TierSettings() {
  const { t } = useTranslation();
  const { tiers, thresholds } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="tiers-title">
      <h2 id="tiers-title">{t('settings.tiers')}</h2>
      <p className="muted">{t('settings.tiersIntro')}</p>
      <ol className="tier-list">
        {tiers.map((tier) => (
          <li key={tier.id}>{tier.label}</li>
        ))}
      </ol>
      <p>{t('settings.thresholds', { a: Math.round(thresholds.a * 100), b: Math.round(thresholds.b * 100) })}</p>
    </section>
  );
}

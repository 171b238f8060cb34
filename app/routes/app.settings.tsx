import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { NavLink, Outlet, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  return json({ isOwner: member.role === 'owner' });
}

export default function SettingsLayout() {
  const { t } = useTranslation();
  const { isOwner } = useLoaderData<typeof loader>();
  return (
    <>
      <title>{`${t('settings.title')} · ${t('app.name')}`}</title>
      <h1>{t('settings.title')}</h1>
      <nav className="tabs" aria-label={t('settings.title')} style={{ flexWrap: 'wrap' }}>
        <NavLink to="/app/settings" end>
          {t('settings.profile')}
        </NavLink>
        <NavLink to="/app/settings/flags">{t('flagsPage.settings.tab')}</NavLink>
        <NavLink to="/app/settings/themes">{t('results.themes.settingsTab')}</NavLink>
        <NavLink to="/app/settings/contact">{t('contactRules.tab')}</NavLink>
        {isOwner ? (
          <>
            <NavLink to="/app/settings/members">{t('settings.members')}</NavLink>
            <NavLink to="/app/settings/tiers">{t('settings.tiers')}</NavLink>
            <NavLink to="/app/settings/api-keys">{t('customers.apiKeys.tab')}</NavLink>
            <NavLink to="/app/settings/webhooks">{t('api.webhooks.tab')}</NavLink>
            <NavLink to="/app/settings/suppressions">{t('customers.suppressions.tab')}</NavLink>
          </>
        ) : null}
        <NavLink to="/app/settings/api-reference">{t('api.referenceTab')}</NavLink>
      </nav>
      <Outlet />
    </>
  );
}

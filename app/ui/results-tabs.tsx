import { NavLink } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

/** The views of the results area. */
export function ResultsTabs() {
  const { t } = useTranslation();
  return (
    <nav className="tabs no-print" aria-label={t('nav.results')}>
      <NavLink to="/app/results" end>
        {t('results.tabs.review')}
      </NavLink>
      <NavLink to="/app/results/verbatims">{t('results.tabs.verbatims')}</NavLink>
      <NavLink to="/app/results/fit">{t('fit.tab')}</NavLink>
      <NavLink to="/app/results/plan">{t('pmf.tab')}</NavLink>
    </nav>
  );
}

import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { ThemeReport } from '~/analysis/theme-trends';
import { formatNumber, formatPercent } from './format';

type Themes = Pick<ThemeReport, 'period' | 'themes' | 'byScope' | 'trends' | 'erodingStrengths'>;

/** How many themes each tier's list shows: the most named ones. */
const TOP_THEMES = 5;

function useThemeName(report: Themes) {
  const { i18n } = useTranslation();
  return (key: string) => {
    const theme = report.themes.find((candidate) => candidate.key === key);
    return theme === undefined ? key : i18n.language === 'de' ? theme.name.de : theme.name.en;
  };
}

const pText = (p: number, locale: string) => (p < 0.001 ? `< ${formatNumber(0.001, locale, 3)}` : formatNumber(p, locale, 3));

/** The eroding strengths in plain words, for the findings; statistics one click away. */
export function ErodingStrengths({ report }: { report: Themes }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const nameOf = useThemeName(report);
  if (report.erodingStrengths.length === 0) return null;
  return (
    <div className="findings-quarter">
      <h3>{`${t('results.themes.review.erodingTitle')} · ${report.period}`}</h3>
      <ul>
        {report.erodingStrengths.map((strength) => {
          const trend = report.trends.find((candidate) => candidate.scope === strength.scope && candidate.theme === strength.theme);
          const words = {
            tier: strength.scope,
            theme: nameOf(strength.theme),
            from: formatPercent(strength.from.share, locale),
            to: formatPercent(strength.to.share, locale),
            quarters: strength.quarters,
            nFrom: formatNumber(strength.from.n, locale),
            nTo: formatNumber(strength.to.n, locale),
          };
          return (
            <li key={`${strength.scope} ${strength.theme}`}>
              {t(strength.scope === 'overall' ? 'results.themes.review.erodingOverall' : 'results.themes.review.eroding', words)}
              {trend ? (
                <details className="finding-statistics">
                  <summary>{t('results.statistics')}</summary>
                  {t('results.themes.review.erodingStatistics', {
                    z: formatNumber(trend.z ?? 0, locale, 2),
                    p: pText(trend.p ?? 1, locale),
                    pBH: pText(trend.pBH ?? 1, locale),
                  })}
                </details>
              ) : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/**
 * Bar height in px of a share: full height (24) from 50 %, since a theme is
 * rarely named by more; any share above zero stands clearly above the 2 px
 * line of a quarter without it (10 % drew as flat as 0 % before).
 */
function barHeight(share: number | null): number {
  if (!share) return 2;
  return Math.max(5, Math.round(Math.min(1, share / 0.5) * 24));
}

/** A tiny bar per quarter: the share's course, readable without colour (the title and the text list the figures). */
function Sparkline({ history, label }: { history: ThemeReport['byScope'][string]['missMost']['themes'][number]['history']; label: string }) {
  const { i18n } = useTranslation();
  const shown = history.slice(-6);
  const text = shown.map((point) => `${point.period}: ${point.share === null ? '–' : formatPercent(point.share, i18n.language)}`).join(', ');
  return (
    <span className="theme-trend" role="img" aria-label={`${label}: ${text}`} title={text}>
      {shown.map((point) => (
        <span key={point.period} className="theme-trend-bar" style={{ height: `${barHeight(point.share)}px` }} />
      ))}
    </span>
  );
}

/**
 * "What customers would miss", per tier of the latest quarter: the most
 * named themes of `miss_most` with their share and a small trend; each theme
 * links to the answers behind it.
 */
export function ThemeSection({ report }: { report: Themes }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const nameOf = useThemeName(report);
  const scopes = Object.keys(report.byScope).filter((scope) => scope !== 'overall');
  return (
    <section aria-labelledby="themes-title" className="themes-review">
      <h2 id="themes-title">{`${t('results.themes.review.title')} · ${report.period}`}</h2>
      <p className="muted">{t('results.themes.review.intro')}</p>
      <div className="theme-tiers">
        {scopes.map((scope) => {
          const item = report.byScope[scope]!.missMost;
          const top = [...item.themes].sort((a, b) => b.count - a.count).filter((share) => share.count > 0).slice(0, TOP_THEMES);
          return (
            <div key={scope} className="theme-tier">
              <h3>
                {t('results.themes.review.tier', { tier: scope })} <span className="muted">{t('results.themes.review.answers', { count: item.n })}</span>
              </h3>
              {top.length === 0 ? (
                <p className="muted">{t('results.themes.review.none')}</p>
              ) : (
                <table className="theme-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('results.themes.review.theme')}</th>
                      <th scope="col">{t('results.themes.review.share')}</th>
                      <th scope="col">{t('results.themes.review.trend')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {top.map((share) => (
                      <tr key={share.theme}>
                        <th scope="row">
                          <Link to={`/app/results/verbatims?${new URLSearchParams({ campaignId: 'all', period: report.period, tier: scope, item: 'miss_most', theme: share.theme })}`}>
                            {nameOf(share.theme)}
                          </Link>
                        </th>
                        <td>{share.share === null ? t('results.themes.review.tooFew') : formatPercent(share.share, locale)}</td>
                        <td>
                          <Sparkline history={share.history} label={nameOf(share.theme)} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          );
        })}
      </div>
      <p className="no-print">
        <Link to="/app/settings/themes">{t('results.themes.review.settingsLink')}</Link>
      </p>
    </section>
  );
}

import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData, useLocation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { frequentTerms } from '~/analysis/words';
import { requireMember } from '~/auth/session.server';
import { listTiers } from '~/customers/tiers.server';
import { db } from '~/db.server';
import { verbatimFiltersSchema, verbatimItems } from '~/reports/verbatim-filters';
import { campaignsWithAnswers, countVerbatims, pageVerbatims } from '~/reports/verbatims.server';
import { EmptyState } from '~/ui/form';
import { formatDate } from '~/ui/format';
import { ResultsTabs } from '~/ui/results-tabs';
import { listThemes } from '~/themes/themes.server';
import { themeVerbatims } from '~/themes/verbatim-themes.server';

const PAGE = 100;

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const params = new URL(request.url).searchParams;
  const filters = verbatimFiltersSchema.parse(Object.fromEntries([...params].filter(([, value]) => value !== '')));
  const [campaigns, tiers, themes] = await Promise.all([
    campaignsWithAnswers(db(), member.workspace.id),
    listTiers(db(), member.workspace.id),
    listThemes(db(), member.workspace.id),
  ]);
  const campaignId = campaigns.length === 0 ? undefined : filters.campaignId === 'all' ? 'all' : (campaigns.find((c) => c.id === filters.campaignId)?.id ?? campaigns[0]?.id);
  const periods = [...new Set(campaigns.map((c) => c.period))];
  const after = params.get('after') ?? undefined;
  const [page, total] = !campaignId
    ? [{ rows: [], next: null }, 0]
    : filters.theme
      ? await themeVerbatims(db(), member.workspace.id, campaignId, filters, filters.theme, { limit: PAGE, after }).then((found) => [found, found.total] as const)
      : await Promise.all([
          pageVerbatims(db(), member.workspace.id, campaignId, filters, { limit: PAGE, after }),
          countVerbatims(db(), member.workspace.id, campaignId, filters),
        ]);
  // Word counts come from the server, over the answers of this page.
  const terms = frequentTerms(page.rows.map((v) => v.text), 15);
  return json({
    campaigns,
    campaignId,
    periods,
    tiers: tiers.map((tier) => tier.label),
    themes: themes.map((theme) => ({ id: theme.id, name: { de: theme.nameDe, en: theme.nameEn } })),
    filters,
    verbatims: page.rows,
    next: page.next,
    paged: params.has('after'),
    total,
    terms,
  });
}

function Choice({ name, label, value, options }: { name: string; label: string; value?: string; options: Array<{ value: string; label: string }> }) {
  const { t } = useTranslation();
  return (
    <label className="filter">
      <span>{label}</span>
      <select name={name} defaultValue={value ?? ''}>
        <option value="">{t('flagsPage.all')}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The page's filters with the international CSV format. */
function csvParams(search: string): string {
  const params = new URLSearchParams(search);
  params.set('format', 'international');
  return params.toString();
}

export default function VerbatimsPage() {
  const { t, i18n } = useTranslation();
  const { campaigns, campaignId, periods, tiers, themes, filters, verbatims, next, paged, total, terms } = useLoaderData<typeof loader>();
  const location = useLocation();
  const nextParams = new URLSearchParams(location.search);
  if (next) nextParams.set('after', next);
  const firstParams = new URLSearchParams(location.search);
  firstParams.delete('after');
  const csvSearch = `?${firstParams}`;
  return (
    <>
      <title>{`${t('results.verbatims.title')} · ${t('app.name')}`}</title>
      <h1>{t('results.verbatims.title')}</h1>
      <ResultsTabs />
      <p className="muted">{t('results.verbatims.intro')}</p>
      {!campaignId ? (
        <EmptyState>
          <p>{t('results.verbatims.noCampaigns')}</p>
        </EmptyState>
      ) : (
        <>
          <Form method="get" className="filters" role="search">
            <label className="filter">
              <span>{t('results.verbatims.campaign')}</span>
              <select name="campaignId" defaultValue={campaignId}>
                <option value="all">{t('results.verbatims.allCampaigns')}</option>
                {campaigns.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <Choice name="period" label={t('results.verbatims.quarter')} value={filters.period} options={periods.map((period) => ({ value: period, label: period }))} />
            <label className="filter">
              <span>{t('results.verbatims.search')}</span>
              <input type="search" name="q" defaultValue={filters.q ?? ''} maxLength={200} />
            </label>
            <Choice name="item" label={t('results.verbatims.item')} value={filters.item} options={verbatimItems.map((item) => ({ value: item, label: t(`results.questions.${item}`) }))} />
            <Choice name="tier" label={t('flagsPage.tier')} value={filters.tier} options={tiers.map((tier) => ({ value: tier, label: tier }))} />
            <Choice
              name="theme"
              label={t('results.themes.filter')}
              value={filters.theme}
              options={themes.map((theme) => ({ value: theme.id, label: i18n.language === 'de' ? theme.name.de : theme.name.en }))}
            />
            <Choice
              name="missUs"
              label={t('results.verbatims.answer')}
              value={filters.missUs}
              options={(['very', 'somewhat', 'not', 'na'] as const).map((answer) => ({ value: answer, label: t(`results.answers.${answer}`) }))}
            />
            <Choice
              name="flagged"
              label={t('results.verbatims.flagged')}
              value={filters.flagged}
              options={(['any', 'second_class', 'at_risk', 'none'] as const).map((f) => ({ value: f, label: t(`results.verbatims.flaggedOptions.${f}`) }))}
            />
            <button type="submit" className="button">
              {t('flagsPage.filter')}
            </button>
            <a className="button" href={`/app/results/verbatims.csv${csvSearch}`} download>
              {t('results.verbatims.download')}
            </a>
            <a href={`/app/results/verbatims.csv?${csvParams(csvSearch)}`} download title={t('csv.internationalHint')}>
              {t('csv.international')}
            </a>
          </Form>
          <div className="verbatim-layout">
            <section aria-labelledby="terms-title" className="card terms">
              <h2 id="terms-title">{t('results.verbatims.words')}</h2>
              {terms.words.length === 0 ? (
                <p className="muted">{t('results.verbatims.noTerms')}</p>
              ) : (
                <ol>
                  {terms.words.map((term) => (
                    <li key={term.term}>
                      <Link to={`?${new URLSearchParams({ campaignId, q: term.term })}`}>{term.term}</Link>{' '}
                      <span className="muted">({t('results.verbatims.mentions', { count: term.count })})</span>
                    </li>
                  ))}
                </ol>
              )}
              {terms.phrases.length > 0 ? (
                <>
                  <h3>{t('results.verbatims.phrases')}</h3>
                  <ol>
                    {terms.phrases.map((term) => (
                      <li key={term.term}>
                        {term.term} <span className="muted">({t('results.verbatims.mentions', { count: term.count })})</span>
                      </li>
                    ))}
                  </ol>
                </>
              ) : null}
            </section>
            <section aria-labelledby="answers-title">
              <h2 id="answers-title" className="visually-hidden">
                {t('results.verbatims.title')}
              </h2>
              <p className="muted" role="status">
                {t('results.verbatims.count', { count: total })}

              </p>
              {verbatims.length === 0 ? (
                <p>{t('results.verbatims.none')}</p>
              ) : (
                <ul className="verbatim-list">
                  {verbatims.map((v) => (
                    <li key={`${v.responseId}-${v.item}`}>
                      <blockquote>{v.text}</blockquote>
                      <p className="muted">
                        {t(`results.questions.${v.item}`)} · {v.customerName ? <Link to={`/app/customers/${v.customerId}`}>{v.customerName}</Link> : t('results.verbatims.erased')} ·{' '}
                        {v.tier ?? '–'} · {v.missUs ? t(`results.answers.${v.missUs}`) : '–'} · {formatDate(v.completedAt, i18n.language)}
                        {v.flagKinds.map((kind) => (
                          <span key={kind} className="severity severity-high">
                            {' '}
                            {t(`flagsPage.kinds.${kind}`)}
                          </span>
                        ))}
                      </p>
                    </li>
                  ))}
                </ul>
              )}
              <nav className="pager" aria-label={t('results.verbatims.pages')}>
                {paged ? <Link to={`?${firstParams}`}>{t('results.verbatims.firstPage')}</Link> : null}{' '}
                {next ? (
                  <Link to={`?${nextParams}`} rel="next">
                    {t('results.verbatims.nextPage')}
                  </Link>
                ) : null}
              </nav>
            </section>
          </div>
        </>
      )}
    </>
  );
}

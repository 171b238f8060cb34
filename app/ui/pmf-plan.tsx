import { Link } from '@remix-run/react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { MIN_GROUP_SIZE, type AttributeFinding, type PmfAttribute } from '~/analysis/pmf-engine';
import type { PmfPlanPage, PlanPointView } from '~/reports/pmf-plan.server';
import { formatNumber, formatPercent } from './format';

type PlanResult = NonNullable<PmfPlanPage['result']>;

/** An attribute value in words: tenure bands and sizes read as such, the rest as imported. */
export function attributeValueText(t: TFunction, attribute: PmfAttribute, value: string): string {
  if (attribute === 'tenure') return t(`pmf.tenure.${value}`, { defaultValue: value });
  if (attribute === 'size') return t('pmf.sizeValue', { value });
  return value;
}

function Finding({ finding }: { finding: AttributeFinding }) {
  const { t, i18n } = useTranslation();
  const percent = (share: number) => formatPercent(share, i18n.language);
  return (
    <li>
      <strong>{t('pmf.finding', { attribute: t(`pmf.attributes.${finding.attribute}`), value: attributeValueText(t, finding.attribute, finding.value) })}</strong>
      {' — '}
      {t('pmf.findingShares', {
        share: percent(finding.share),
        n: finding.n,
        low: percent(finding.interval.low),
        high: percent(finding.interval.high),
        rest: percent(finding.rest.share),
        restN: finding.rest.n,
      })}
    </li>
  );
}

function FindingsTable({ result }: { result: PlanResult }) {
  const { t, i18n } = useTranslation();
  const percent = (share: number) => formatPercent(share, i18n.language);
  const untested = result.untested.map((value) => `${t(`pmf.attributes.${value.attribute}`)} ${attributeValueText(t, value.attribute, value.value)} (n = ${value.n})`);
  return (
    <details>
      <summary>{t('pmf.allGroups')}</summary>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('pmf.columns.group')}</th>
              <th scope="col">{t('pmf.columns.n')}</th>
              <th scope="col">{t('pmf.columns.share')}</th>
              <th scope="col">{t('pmf.columns.interval')}</th>
              <th scope="col">{t('pmf.columns.rest')}</th>
              <th scope="col">{t('pmf.columns.difference')}</th>
              <th scope="col">{t('pmf.columns.adjustedP')}</th>
            </tr>
          </thead>
          <tbody>
            {result.findings.map((finding) => (
              <tr key={`${finding.attribute}|${finding.value}`}>
                <th scope="row">{t('pmf.finding', { attribute: t(`pmf.attributes.${finding.attribute}`), value: attributeValueText(t, finding.attribute, finding.value) })}</th>
                <td>{finding.n}</td>
                <td>{percent(finding.share)}</td>
                <td>
                  {percent(finding.interval.low)}–{percent(finding.interval.high)}
                </td>
                <td>{percent(finding.rest.share)}</td>
                <td>
                  {finding.difference > 0 ? '+' : ''}
                  {formatNumber(finding.difference * 100, i18n.language)} pp
                  {finding.raises ? ` (${t('pmf.raises')})` : finding.lowers ? ` (${t('pmf.lowers')})` : ''}
                </td>
                <td>{formatNumber(finding.adjustedP, i18n.language, 3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {untested.length > 0 ? <p className="muted">{t('pmf.untested', { groups: untested.join(', ') })}</p> : null}
    </details>
  );
}

function PlanColumn({ id, title, intro, column }: { id: string; title: string; intro: string; column: { base: number; points: PlanPointView[] } }) {
  const { t, i18n } = useTranslation();
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <p className="muted">{intro}</p>
      {column.base < MIN_GROUP_SIZE ? (
        <p>{t('pmf.tooFewThemes', { base: column.base })}</p>
      ) : column.points.length === 0 ? (
        <p>{t('pmf.noThemes', { base: column.base })}</p>
      ) : (
        <ol className="plan-points">
          {column.points.map((point) => (
            <li key={point.theme}>
              <p>
                <strong>{i18n.language === 'de' ? point.name.de : point.name.en}</strong>
                {' — '}
                {t('pmf.point', {
                  share: formatPercent(point.share, i18n.language),
                  theme: i18n.language === 'de' ? point.name.de : point.name.en,
                  count: point.count,
                  base: column.base,
                })}
              </p>
              {point.quotes.map((quote, index) => (
                <blockquote key={index}>{quote}</blockquote>
              ))}
              <p>
                <Link to={point.href} title={t('pmf.answersLinkHint')}>
                  {t('pmf.answersLink')}
                </Link>
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The plan of one quarter and tier: who would miss us most, and the two columns. */
export function PmfPlan({ period, result }: { period: string; result: PlanResult }) {
  const { t, i18n } = useTranslation();
  const percent = (share: number) => formatPercent(share, i18n.language);
  if (!result.enough || result.share === null || result.interval === null) {
    return <p role="status">{t('pmf.tooFew', { period, n: result.n, min: MIN_GROUP_SIZE })}</p>;
  }
  const raising = result.findings.filter((finding) => finding.raises);
  const attributesKnown = result.findings.some((finding) => finding.attribute !== 'tier') || result.untested.some((value) => value.attribute !== 'tier');
  return (
    <>
      <p>{t('pmf.headline', { share: percent(result.share), n: result.n, low: percent(result.interval.low), high: percent(result.interval.high) })}</p>
      <section className="card" aria-labelledby="pmf-who">
        <h2 id="pmf-who">{t('pmf.whoTitle')}</h2>
        <p className="muted">{t('pmf.whoIntro', { tests: result.findings.length, min: MIN_GROUP_SIZE })}</p>
        {raising.length > 0 ? (
          <ul>
            {raising.map((finding) => (
              <Finding key={`${finding.attribute}|${finding.value}`} finding={finding} />
            ))}
          </ul>
        ) : (
          <p>{t('pmf.whoNone')}</p>
        )}
        {attributesKnown ? null : <p className="muted">{t('pmf.whoNoAttributes')}</p>}
        {result.findings.length > 0 || result.untested.length > 0 ? <FindingsTable result={result} /> : null}
      </section>
      <div className="plan-columns">
        <PlanColumn id="pmf-double-down" title={t('pmf.doubleDownTitle')} intro={t('pmf.doubleDownIntro')} column={result.doubleDown} />
        <PlanColumn
          id="pmf-remove-obstacle"
          title={t('pmf.removeObstacleTitle')}
          intro={result.mainBenefit === null ? t('pmf.removeObstacleNoBenefit') : t('pmf.removeObstacleIntro', { benefit: result.mainBenefit })}
          column={result.removeObstacle}
        />
      </div>
    </>
  );
}

import { Form } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { AudiencePreview } from './audience.server';
import type { CampaignProgress } from './campaigns.server';
import { CAMPAIGN_TIME_ZONE } from './forms';
import { HeldBackSection } from './held-back-section';
import type { HeldBack } from './held-back.server';

// The parts of the campaign page (app/routes/app.campaigns.$campaignId.tsx).

function formatDateTime(value: string | Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: CAMPAIGN_TIME_ZONE }).format(new Date(value));
}

function formatNumber(value: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(value);
}

export interface CampaignSummary {
  period: string;
  status: 'draft' | 'scheduled' | 'sending' | 'open' | 'closed';
  survey: string;
  audience: string[] | null;
  scheduledAt: string | null;
  launchedAt: string | null;
  closesAt: string | null;
  reminderDelayDays: number;
  maxReminders: number;
  cooldownDays: number;
  sender: string;
}

export function CampaignFacts({ campaign }: { campaign: CampaignSummary }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <dl className="facts">
      <dt>{t('campaigns.status')}</dt>
      <dd>{t(`campaigns.statuses.${campaign.status}`)}</dd>
      <dt>{t('campaigns.period')}</dt>
      <dd>{campaign.period}</dd>
      <dt>{t('campaigns.facts.survey')}</dt>
      <dd>{campaign.survey}</dd>
      <dt>{t('campaigns.facts.audience')}</dt>
      <dd>{campaign.audience ? campaign.audience.join(', ') : t('campaigns.facts.allCustomers')}</dd>
      <dt>{t('campaigns.facts.scheduledAt')}</dt>
      <dd>{campaign.scheduledAt ? formatDateTime(campaign.scheduledAt, lang) : t('campaigns.facts.now')}</dd>
      {campaign.launchedAt ? (
        <>
          <dt>{t('campaigns.facts.launched')}</dt>
          <dd>{formatDateTime(campaign.launchedAt, lang)}</dd>
        </>
      ) : null}
      <dt>{t('campaigns.closes')}</dt>
      <dd>{campaign.closesAt ? formatDateTime(campaign.closesAt, lang) : '–'}</dd>
      <dt>{t('campaigns.facts.reminders')}</dt>
      <dd>
        {campaign.maxReminders > 0
          ? t('campaigns.facts.remindersValue', { max: campaign.maxReminders, days: campaign.reminderDelayDays })
          : t('campaigns.facts.noReminders')}
      </dd>
      <dt>{t('campaigns.facts.cooldown')}</dt>
      <dd>{t('campaigns.facts.cooldownValue', { days: campaign.cooldownDays })}</dd>
      <dt>{t('campaigns.facts.sender')}</dt>
      <dd>{campaign.sender}</dd>
    </dl>
  );
}

/** A draft: who would be invited and why others are left out, the invitation, and the confirmation. */
export function CampaignDraftReview({
  campaignId,
  period,
  scheduledAt,
  preview,
  cooldownDays,
  heldBack,
  email,
}: {
  campaignId: string;
  period: string;
  scheduledAt: string | null;
  preview: AudiencePreview;
  cooldownDays: number;
  heldBack: HeldBack;
  email: { subject: string; html: string };
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const excluded = Object.entries(preview.excluded).filter(([, n]) => n > 0);
  return (
    <>
      <p>
        <a href={`/app/campaigns/${campaignId}/edit`} className="button">
          {t('campaigns.edit')}
        </a>
      </p>
      <section aria-labelledby="audience-title">
        <h2 id="audience-title">{t('campaigns.audienceTitle')}</h2>
        <ul className="stats">
          <li className="stat">
            <span className="stat-value" data-testid="eligible">{formatNumber(preview.eligible, lang)}</span>
            <span className="stat-label">{t('campaigns.audienceEligible')}</span>
          </li>
          <li className="stat">
            <span className="stat-value">{formatNumber(preview.total, lang)}</span>
            <span className="stat-label">{t('campaigns.audienceTotal')}</span>
          </li>
        </ul>
        {preview.invitedThisPeriod > 0 ? (
          <p className="alert alert-warning" role="note" data-testid="invited-this-period">
            {t('campaigns.invitedThisPeriod', { count: preview.invitedThisPeriod, formatted: formatNumber(preview.invitedThisPeriod, lang), period })}
          </p>
        ) : null}
        {excluded.length > 0 ? (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">{t('campaigns.audienceExcluded')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('campaigns.audienceExcluded')}</th>
                  <th scope="col" className="num">
                    n
                  </th>
                </tr>
              </thead>
              <tbody>
                {excluded.map(([reason, n]) => (
                  <tr key={reason}>
                    <th scope="row">{t(`campaigns.reasons.${reason}`, { days: cooldownDays })}</th>
                    <td className="num">{formatNumber(n, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <HeldBackSection heldBack={heldBack} />
      </section>
      <section aria-labelledby="email-title">
        <h2 id="email-title">{t('campaigns.previewTitle')}</h2>
        <p className="muted">
          {t('campaigns.previewIntro')} <strong>{email.subject}</strong>
        </p>
        <iframe title={email.subject} className="email-preview" sandbox="" srcDoc={email.html} />
      </section>
      <section aria-labelledby="confirm-title" className="card">
        <h2 id="confirm-title">{t('campaigns.confirmTitle')}</h2>
        {preview.eligible === 0 ? (
          <p>{t('campaigns.errors.audience_empty')}</p>
        ) : (
          <Form method="post">
            <input type="hidden" name="expected" value={preview.eligible} />
            <p>
              {scheduledAt
                ? t('campaigns.confirmScheduled', { count: preview.eligible, date: formatDateTime(scheduledAt, lang) })
                : t('campaigns.confirmNow', { count: preview.eligible })}
            </p>
            <label className="choice">
              <input type="checkbox" name="confirm" value="yes" required />
              {t('campaigns.confirmCheck')}
            </label>
            <button type="submit" name="intent" value="schedule" className="button primary">
              {scheduledAt ? t('campaigns.schedule') : t('campaigns.sendNow')}
            </button>
          </Form>
        )}
      </section>
      <Form method="post">
        <button type="submit" name="intent" value="delete" className="button ghost">
          {t('campaigns.deleteDraft')}
        </button>
      </Form>
    </>
  );
}

const queueColumns = ['queued', 'sending', 'sent', 'failed', 'cancelled'] as const;
const funnelSteps = ['invited', 'sent', 'delivered', 'opened', 'started', 'completed', 'bounced', 'unsubscribed', 'complained'] as const;

/** A campaign past the draft: the send queue (live while sending) and the funnel. */
export function CampaignActivity({ status, progress, live }: { status: CampaignSummary['status']; progress: CampaignProgress; live: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const invited = progress.funnel.invited;
  return (
    <>
      <section aria-labelledby="queue-title">
        <h2 id="queue-title">{t('campaigns.queueTitle')}</h2>
        {live ? (
          <p className="muted">
            {t('campaigns.live')} <a href="?">{t('campaigns.refresh')}</a>
          </p>
        ) : null}
        <div className="table-wrap">
          <table aria-live="polite">
            <thead>
              <tr>
                <td />
                {queueColumns.map((column) => (
                  <th key={column} scope="col" className="num">
                    {t(`campaigns.queue.${column}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {(['invitation', 'reminder'] as const).map((kind) => (
                <tr key={kind}>
                  <th scope="row">{t(kind === 'invitation' ? 'campaigns.queue.invitations' : 'campaigns.queue.reminders')}</th>
                  {queueColumns.map((column) => (
                    <td key={column} className="num" data-testid={`${kind}-${column}`}>
                      {formatNumber(progress.queue[kind][column], lang)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="funnel-title">
        <h2 id="funnel-title">{t('campaigns.funnelTitle')}</h2>
        <div className="table-wrap">
          <table>
            <tbody>
              {funnelSteps.map((step) => (
                <tr key={step}>
                  <th scope="row">{t(`campaigns.funnel.${step}`)}</th>
                  <td className="num" data-testid={`funnel-${step}`}>
                    {formatNumber(progress.funnel[step], lang)}
                  </td>
                  <td className="num">{invited > 0 ? new Intl.NumberFormat(lang, { style: 'percent' }).format(progress.funnel[step] / invited) : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {status === 'sending' || status === 'open' ? (
        <Form method="post" className="card">
          <p className="muted">{t('campaigns.closeHint')}</p>
          <button type="submit" name="intent" value="close" className="button">
            {t('campaigns.closeNow')}
          </button>
        </Form>
      ) : null}
    </>
  );
}

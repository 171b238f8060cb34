import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useRevalidator } from '@remix-run/react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { pendingEmailVerification, resendEmailVerification } from '~/auth/email-verification.server';
import { requireMember } from '~/auth/session.server';
import { previewAudience } from '~/campaigns/audience.server';
import { heldBackByContactRule } from '~/campaigns/held-back.server';
import { previewInvitation } from '~/campaigns/campaign-emails.server';
import {
  audienceSpecOf,
  campaignProgress,
  deleteDraft,
  getCampaignDetails,
  scheduleCampaign,
  unscheduleCampaign,
} from '~/campaigns/campaigns.server';
import { CampaignActivity, CampaignDraftReview, CampaignFacts } from '~/campaigns/campaign-page';
import { CampaignResults } from '~/campaigns/campaign-results';
import { surveyEmailContext } from '~/campaigns/launch.server';
import { closeCampaign } from '~/campaigns/lifecycle.server';
import { env } from '~/config/env.server';
import { db } from '~/db.server';
import { wakeDispatcher } from '~/email/dispatcher.server';
import { emailSettings } from '~/email/settings.server';
import { notFound, readFormData } from '~/http/request.server';
import { resolveLocale } from '~/i18n/locale.server';
import { campaignResults } from '~/reports/campaign-results.server';
import { tierLabels } from '~/campaigns/tiers.server';

const notices = ['created', 'saved', 'scheduled', 'sending', 'sent', 'unscheduled', 'closed'] as const;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const campaign = await getCampaignDetails(db(), member.workspace.id, params.campaignId ?? '');
  if (!campaign) notFound();
  const spec = await audienceSpecOf(db(), campaign);
  const ctx = await surveyEmailContext(db(), campaign, emailSettings());
  const isDraft = campaign.status === 'draft';
  const [preview, progress, results, email, audience, verification, heldBack] = await Promise.all([
    isDraft ? previewAudience(db(), spec) : null,
    isDraft ? null : campaignProgress(db(), campaign.id),
    // Results per tier: every member (owner and marketing) sees tiers, as on the review.
    isDraft ? null : campaignResults(db(), member.workspace.id, campaign),
    isDraft ? previewInvitation(ctx, await resolveLocale(request, member.user.locale)) : null,
    campaign.audienceTierIds ? tierLabels(db(), member.workspace.id, campaign.audienceTierIds) : null,
    isDraft ? pendingEmailVerification(db(), member.workspace.id) : null,
    // Who the workspace's contact rule holds back, per tier and with their last invitation.
    isDraft ? heldBackByContactRule(db(), spec) : null,
  ]);
  const pending = progress ? progress.queue.invitation.queued + progress.queue.invitation.sending + progress.queue.reminder.queued + progress.queue.reminder.sending : 0;
  const requested = notices.find((known) => known === new URL(request.url).searchParams.get('notice')) ?? null;
  // The page keeps its ?notice=sending while it polls; once nothing is left to send, "sending has started" is no longer true.
  const notice = requested === 'sending' && campaign.status !== 'scheduled' && campaign.status !== 'sending' && pending === 0 ? 'sent' : requested;
  return json({
    campaign: {
      id: campaign.id,
      name: campaign.name,
      period: campaign.period,
      status: campaign.status,
      survey: `${campaign.surveyName} (${campaign.surveyVersion})`,
      audience,
      scheduledAt: campaign.scheduledAt,
      launchedAt: campaign.launchedAt,
      closesAt: campaign.closesAt,
      reminderDelayDays: campaign.reminderDelayDays,
      maxReminders: campaign.maxReminders,
      cooldownDays: spec.cooldownDays,
      sender: ctx.sender,
    },
    preview,
    heldBack,
    progress,
    results,
    email,
    // A draft cannot be sent until the owner confirmed their address; the page offers the link again.
    verificationPending: verification !== null,
    // A scheduled launch the daily email limit stopped: the draft says why.
    launchRefusal: isDraft ? campaign.launchRefusal : null,
    ownerEmail: verification?.email ?? null,
    // Polling only while something moves (or is about to): not for a campaign scheduled next week.
    live:
      campaign.status === 'sending' ||
      pending > 0 ||
      (campaign.status === 'scheduled' && (campaign.scheduledAt?.getTime() ?? 0) < Date.now() + 10 * 60_000),
    notice,
  });
}

type ActionError = { error: 'confirm_required' | 'audience_empty' | 'audience_changed' | 'not_draft' | 'email_unverified' | 'daily_limit'; eligible?: number; left?: number; limit?: number };
type VerificationReply = { verification: 'resent' | 'rate_limited'; to?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const member = await requireMember(db(), request);
  const campaign = await getCampaignDetails(db(), member.workspace.id, params.campaignId ?? '');
  if (!campaign) notFound();
  const form = await readFormData(request);
  const back = (notice: string) => redirect(`/app/campaigns/${campaign.id}?notice=${notice}`);
  switch (form.get('intent')) {
    case 'schedule': {
      if (form.get('confirm') !== 'yes') return json<ActionError>({ error: 'confirm_required' }, { status: 400 });
      const result = await scheduleCampaign(db(), member.workspace.id, campaign.id, Number(form.get('expected')), {
        dailyEmailLimit: env().EMAIL_DAILY_LIMIT_PER_WORKSPACE,
      });
      if (!result.ok) return json<ActionError>(result.error === 'daily_limit' ? { ...result } : { error: result.error, eligible: result.eligible }, { status: result.error === 'daily_limit' ? 429 : 409 });
      wakeDispatcher();
      return back(result.sendsNow ? 'sending' : 'scheduled');
    }
    case 'resend_verification': {
      const result = await resendEmailVerification(db(), { workspaceId: member.workspace.id, appUrl: emailSettings().appUrl, locale: member.user.locale ?? undefined });
      if (result.ok) return json<VerificationReply>({ verification: 'resent', to: result.to });
      if (result.error === 'already_verified') return back('saved');
      return json<VerificationReply>({ verification: 'rate_limited' }, { status: 429 });
    }
    case 'unschedule':
      return (await unscheduleCampaign(db(), member.workspace.id, campaign.id)) ? back('unscheduled') : json<ActionError>({ error: 'not_draft' }, { status: 409 });
    case 'close':
      return (await closeCampaign(db(), member.workspace.id, campaign.id)) ? back('closed') : json<ActionError>({ error: 'not_draft' }, { status: 409 });
    case 'delete':
      if (await deleteDraft(db(), member.workspace.id, campaign.id)) return redirect('/app/campaigns');
      return json<ActionError>({ error: 'not_draft' }, { status: 409 });
    default:
      throw json({ error: 'Unknown action.' }, { status: 400 });
  }
}

/** While the campaign sends, the counts are reloaded every two seconds; without JavaScript the page refreshes itself. */
function useLiveCounts(live: boolean) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => {
      if (revalidator.state === 'idle' && document.visibilityState === 'visible') revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [live, revalidator]);
}

export default function CampaignPage() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as (ActionError & VerificationReply) | undefined;
  const { campaign } = data;
  useLiveCounts(data.live);
  return (
    <>
      <title>{`${campaign.name} · ${t('app.name')}`}</title>
      {data.live ? (
        <noscript>
          <meta httpEquiv="refresh" content="5" />
        </noscript>
      ) : null}
      <p>
        <Link to="/app/campaigns">← {t('campaigns.title')}</Link>
      </p>
      <h1>{campaign.name}</h1>
      {data.notice ? (
        <p role="status" className="alert alert-success">
          {t(`campaigns.notice.${data.notice}`)}
        </p>
      ) : null}
      {actionData?.error ? (
        <div role="alert" className="alert alert-error">
          <p>{t(`campaigns.errors.${actionData.error}`, { count: actionData.eligible ?? 0, left: actionData.left ?? 0, limit: actionData.limit ?? 0 })}</p>
        </div>
      ) : null}
      {data.launchRefusal ? (
        <div role="status" className="alert alert-warning">
          <p>{t('campaigns.errors.launch_daily_limit', { count: data.launchRefusal.eligible, left: data.launchRefusal.left, limit: data.launchRefusal.limit })}</p>
        </div>
      ) : null}
      {data.verificationPending ? (
        <div role="status" className="alert alert-warning">
          {actionData?.verification === 'resent' ? (
            <p>{t('security.verification.resent', { email: actionData.to })}</p>
          ) : (
            <p>{t(actionData?.verification === 'rate_limited' ? 'security.verification.rate_limited' : 'security.verification.pending', { email: data.ownerEmail })}</p>
          )}
          <Form method="post">
            <button type="submit" name="intent" value="resend_verification" className="button">
              {t('security.verification.resend')}
            </button>
          </Form>
        </div>
      ) : null}
      <CampaignFacts campaign={campaign} />
      {campaign.status === 'draft' && data.preview && data.email && data.heldBack ? (
        <CampaignDraftReview
          campaignId={campaign.id}
          period={campaign.period}
          scheduledAt={campaign.scheduledAt}
          preview={data.preview}
          cooldownDays={campaign.cooldownDays}
          heldBack={data.heldBack}
          email={data.email}
        />
      ) : null}
      {campaign.status === 'scheduled' ? (
        <Form method="post">
          <button type="submit" name="intent" value="unschedule" className="button">
            {t('campaigns.unschedule')}
          </button>
        </Form>
      ) : null}
      {data.results ? <CampaignResults results={data.results} /> : null}
      {data.progress ? <CampaignActivity status={campaign.status} progress={data.progress} live={data.live} /> : null}
    </>
  );
}

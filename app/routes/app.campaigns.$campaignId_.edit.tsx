import { parseWithZod } from '@conform-to/zod/v4';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { CampaignForm } from '~/campaigns/campaign-form';
import { draftChoices, getCampaignDetails, updateDraft } from '~/campaigns/campaigns.server';
import { campaignDraftSchema, draftFromForm, formFromDraft } from '~/campaigns/forms';
import { db } from '~/db.server';
import { notFound, readFormData } from '~/http/request.server';

/** Only drafts are edited; any other campaign sends the member back to its page. */
async function requireDraft(request: Request, campaignId: string | undefined) {
  const member = await requireMember(db(), request);
  const campaign = await getCampaignDetails(db(), member.workspace.id, campaignId ?? '');
  if (!campaign) notFound();
  if (campaign.status !== 'draft') throw redirect(`/app/campaigns/${campaign.id}`);
  return { member, campaign };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { member, campaign } = await requireDraft(request, params.campaignId);
  const choices = await draftChoices(db(), member.workspace.id);
  if (!choices.periods.includes(campaign.period)) choices.periods.unshift(campaign.period);
  return json({ campaign: { id: campaign.id, name: campaign.name }, choices, defaultValue: formFromDraft(campaign) });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { member, campaign } = await requireDraft(request, params.campaignId);
  const submission = parseWithZod(await readFormData(request), { schema: campaignDraftSchema });
  if (submission.status !== 'success') return json({ result: submission.reply() }, { status: 400 });
  const updated = await updateDraft(db(), member.workspace.id, campaign.id, draftFromForm(submission.value));
  if (!updated.ok) {
    const fieldErrors = updated.problem ? { [updated.problem.field]: [updated.problem.error] } : undefined;
    return json({ result: submission.reply(fieldErrors ? { fieldErrors } : { formErrors: ['not_draft'] }) }, { status: 400 });
  }
  return redirect(`/app/campaigns/${campaign.id}?notice=saved`);
}

export default function EditCampaignPage() {
  const { t } = useTranslation();
  const { campaign, choices, defaultValue } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <title>{`${t('campaigns.editTitle')} · ${campaign.name} · ${t('app.name')}`}</title>
      <p>
        <Link to={`/app/campaigns/${campaign.id}`}>← {campaign.name}</Link>
      </p>
      <h1>{t('campaigns.editTitle')}</h1>
      <CampaignForm
        choices={choices}
        lastResult={actionData?.result}
        defaultValue={defaultValue}
        submitLabel={t('campaigns.saveDraft')}
        cancelHref={`/app/campaigns/${campaign.id}`}
      />
    </>
  );
}

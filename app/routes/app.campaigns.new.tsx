import { parseWithZod } from '@conform-to/zod/v4';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { CampaignForm } from '~/campaigns/campaign-form';
import { createDraft, draftChoices } from '~/campaigns/campaigns.server';
import { campaignDraftSchema, draftFromForm, utcToZonedInput, type CampaignFormValues } from '~/campaigns/forms';
import { db } from '~/db.server';
import { readFormData } from '~/http/request.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const choices = await draftChoices(db(), member.workspace.id);
  const closesOn = utcToZonedInput(new Date(Date.now() + 28 * 24 * 3600 * 1000)).slice(0, 10);
  const defaultValue: CampaignFormValues = {
    name: '',
    surveyVersionId: choices.versions[0]?.id ?? '',
    period: choices.currentPeriod,
    audience: 'all',
    tierIds: [],
    scheduledAt: '',
    closesOn,
    reminderDelayDays: '7',
    maxReminders: '1',
    cooldownDays: '',
    senderName: '',
  };
  return json({ choices, defaultValue });
}

export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(db(), request);
  const submission = parseWithZod(await readFormData(request), { schema: campaignDraftSchema });
  if (submission.status !== 'success') return json({ result: submission.reply() }, { status: 400 });
  const created = await createDraft(db(), member.workspace.id, member.user.id, draftFromForm(submission.value));
  if (!created.ok) return json({ result: submission.reply({ fieldErrors: { [created.problem.field]: [created.problem.error] } }) }, { status: 400 });
  return redirect(`/app/campaigns/${created.id}?notice=created`);
}

export default function NewCampaignPage() {
  const { t } = useTranslation();
  const { choices, defaultValue } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <title>{`${t('campaigns.new')} · ${t('app.name')}`}</title>
      <p>
        <Link to="/app/campaigns">← {t('campaigns.title')}</Link>
      </p>
      <h1>{t('campaigns.new')}</h1>
      <p className="muted">{t('campaigns.newIntro')}</p>
      <CampaignForm
        choices={choices}
        lastResult={actionData?.result}
        defaultValue={defaultValue}
        submitLabel={t('campaigns.createDraft')}
        cancelHref="/app/campaigns"
      />
    </>
  );
}

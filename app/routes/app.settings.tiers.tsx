import { getFormProps, getInputProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod/v4';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { requireMember } from '~/auth/session.server';
import { MAX_PROMISE_LENGTH, MAX_TIERS, MIN_TIERS } from '~/customers/tier-limits';
import { listTierPromises, saveTierPromises } from '~/customers/tier-promises.server';
import { addTier, getTierSettings, removeLastTier, saveTierSettings, tierInUse } from '~/customers/tiers.server';
import { db } from '~/db.server';
import { readFormData } from '~/http/request.server';
import { FormError } from '~/ui/form';
import { TierPromisesForm } from '~/ui/tier-promises-form';

const label = z.string({ error: 'required' }).trim().min(1, 'required').max(20, 'tier_label_long');

const tierFormSchema = z.discriminatedUnion('intent', [
  z
    .object({
      intent: z.literal('save'),
      labels: z.array(label).min(MIN_TIERS).max(MAX_TIERS),
      thresholdA: z.number({ error: 'threshold_invalid' }).gt(0, 'threshold_invalid').lt(100, 'threshold_invalid'),
      thresholdB: z.number({ error: 'threshold_invalid' }).gt(0, 'threshold_invalid').max(100, 'threshold_invalid'),
    })
    .refine((value) => value.thresholdA < value.thresholdB, { path: ['thresholdB'], message: 'threshold_order' }),
  z.object({ intent: z.literal('add'), label }),
  z.object({ intent: z.literal('remove') }),
  z.object({
    intent: z.literal('promises'),
    promises: z
      .array(z.object({ tierId: z.uuid(), promise: z.string().trim().max(MAX_PROMISE_LENGTH, 'promise_long').optional() }))
      .min(MIN_TIERS)
      .max(MAX_TIERS),
  }),
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request, 'owner');
  const settings = await getTierSettings(db(), member.workspace.id);
  const last = settings.tiers[settings.tiers.length - 1];
  return json({
    ...settings,
    lastInUse: last ? await tierInUse(db(), member.workspace.id, last.id) : true,
    promises: await listTierPromises(db(), member.workspace.id),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(db(), request, 'owner');
  const submission = parseWithZod(await readFormData(request), { schema: tierFormSchema });
  if (submission.status !== 'success') return json(submission.reply(), { status: 400 });
  const value = submission.value;
  const workspaceId = member.workspace.id;
  if (value.intent === 'promises') {
    const saved = await saveTierPromises(db(), workspaceId, member.user.id, value.promises.map(({ tierId, promise }) => ({ tierId, promise: promise || null })));
    if (!saved.ok) return json(submission.reply({ formErrors: [saved.error] }), { status: 400 });
    return redirect('/app/settings/tiers?saved=1');
  }
  const result =
    value.intent === 'save'
      ? await saveTierSettings(db(), workspaceId, member.user.id, { labels: value.labels, thresholdA: value.thresholdA / 100, thresholdB: value.thresholdB / 100 })
      : value.intent === 'add'
        ? await addTier(db(), workspaceId, member.user.id, value.label)
        : await removeLastTier(db(), workspaceId, member.user.id);
  if (!result.ok) return json(submission.reply({ formErrors: [result.error] }), { status: 400 });
  return redirect('/app/settings/tiers?saved=1');
}

/** 0.8 → 80, without the float noise of a `real` column. */
const percent = (share: number) => Math.round(share * 1000) / 10;

export default function TierSettings() {
  const { t } = useTranslation();
  const { tiers, thresholds, lastInUse, promises } = useLoaderData<typeof loader>();
  const actionResult = useActionData<typeof action>();
  // The promises have a form of their own; its refusals are not the names form's.
  const promisesRefused = (actionResult?.initialValue as { intent?: unknown } | null | undefined)?.intent === 'promises';
  const lastResult = promisesRefused ? undefined : actionResult;
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: { labels: tiers.map((tier) => tier.label), thresholdA: String(percent(thresholds.a)), thresholdB: String(percent(thresholds.b)) },
  });
  const labels = fields.labels.getFieldList();
  const message = (errors: string[] | undefined) =>
    errors?.map((code) => t(`customers.tierSettings.errors.${code}`, { defaultValue: t(`errors.${code}`, { defaultValue: code }), min: MIN_TIERS, max: MAX_TIERS }));
  const formErrors = message(form.errors);
  const last = tiers[tiers.length - 1];
  return (
    <section aria-labelledby="tiers-title">
      <h2 id="tiers-title">{t('settings.tiers')}</h2>
      <p className="muted">{t('settings.tiersIntro')}</p>
      {searchParams.get('saved') ? (
        <p role="status" className="alert alert-success">
          {t('customers.tierSettings.saved')}
        </p>
      ) : null}
      {formErrors?.length ? (
        <div role="alert" className="alert alert-error" id={form.errorId}>
          {formErrors.map((text) => (
            <p key={text}>{text}</p>
          ))}
        </div>
      ) : (
        <FormError id={form.errorId} errors={undefined} />
      )}
      <Form method="post" {...getFormProps(form)} className="card">
        <input type="hidden" name="intent" value="save" />
        <fieldset>
          <legend>{t('customers.tierSettings.labels')}</legend>
          <p className="hint">{t('customers.tierSettings.labelsHint')}</p>
          {labels.map((field, index) => (
            <div className="field" key={field.key ?? field.name}>
              <label htmlFor={field.id}>{t('customers.tierSettings.position', { position: index + 1 })}</label>
              <input {...getInputProps(field, { type: 'text' })} key={field.key} maxLength={20} required />
              <div id={field.errorId} className="field-error" aria-live="polite">
                {message(field.errors)?.map((text) => <p key={text}>{text}</p>)}
              </div>
            </div>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('customers.tierSettings.thresholds')}</legend>
          <p className="hint">{t('customers.tierSettings.thresholdsHint')}</p>
          {([fields.thresholdA, fields.thresholdB] as const).map((field, index) => (
            <div className="field" key={field.key ?? field.name}>
              <label htmlFor={field.id}>{t(index === 0 ? 'customers.tierSettings.thresholdA' : 'customers.tierSettings.thresholdB')}</label>
              <input {...getInputProps(field, { type: 'number' })} key={field.key} min={1} max={100} step="any" required />
              <div id={field.errorId} className="field-error" aria-live="polite">
                {message(field.errors)?.map((text) => <p key={text}>{text}</p>)}
              </div>
            </div>
          ))}
          <p className="hint">{t('customers.tierSettings.abcMapping', { count: tiers.length })}</p>
        </fieldset>
        <button type="submit" className="button primary" disabled={navigation.state === 'submitting'}>
          {t('settings.save')}
        </button>
      </Form>
      <TierPromisesForm tiers={promises} result={promisesRefused ? actionResult : undefined} />
      {tiers.length < MAX_TIERS ? (
        <Form method="post" className="card">
          <input type="hidden" name="intent" value="add" />
          <div className="field">
            <label htmlFor="new-tier">{t('customers.tierSettings.addLabel')}</label>
            <input id="new-tier" name="label" type="text" maxLength={20} required />
          </div>
          <button type="submit" className="button">
            {t('customers.tierSettings.add')}
          </button>
        </Form>
      ) : (
        <p className="muted">{t('customers.tierSettings.atMost', { max: MAX_TIERS })}</p>
      )}
      {tiers.length > MIN_TIERS && last ? (
        lastInUse ? (
          <p className="muted">{t('customers.tierSettings.lastInUse', { label: last.label })}</p>
        ) : (
          <Form method="post">
            <input type="hidden" name="intent" value="remove" />
            <button type="submit" className="button ghost">
              {t('customers.tierSettings.remove', { label: last.label })}
            </button>
          </Form>
        )
      ) : null}
    </section>
  );
}

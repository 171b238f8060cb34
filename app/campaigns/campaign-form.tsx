import { getCollectionProps, getFormProps, getInputProps, getSelectProps, useForm, type FieldMetadata, type SubmissionResult } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod/v4';
import { Form, Link, useNavigation } from '@remix-run/react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { FieldErrors } from '../ui/form';
import { campaignDraftSchema, type CampaignFormValues } from './forms';

export interface DraftChoices {
  versions: Array<{ id: string; surveyName: string; version: number }>;
  tiers: Array<{ id: string; label: string }>;
  periods: string[];
  workspace: { name: string; senderName: string | null; cooldownDays: number };
}

/** Campaign errors are keys under `campaigns.errors.` (the form schema's messages). */
export function useCampaignErrorText() {
  const { t } = useTranslation();
  return (errors: string[] | undefined) => errors?.map((key) => t(`campaigns.errors.${key}`, { defaultValue: t(`errors.${key}`, { defaultValue: key }) }));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyField = FieldMetadata<any, any, any>;

function Labelled({ field, label, hint, children }: { field: AnyField; label: string; hint?: string; children: ReactNode }) {
  const errorText = useCampaignErrorText();
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      {children}
      {hint ? (
        <p className="hint" id={`${field.id}-hint`}>
          {hint}
        </p>
      ) : null}
      <FieldErrors id={field.errorId} errors={errorText(field.errors)} />
    </div>
  );
}

/**
 * The draft form of a campaign (new and edit). Validates in the browser and
 * again on the server with the same schema; works without JavaScript.
 */
export function CampaignForm({
  choices,
  lastResult,
  defaultValue,
  submitLabel,
  cancelHref,
}: {
  choices: DraftChoices;
  lastResult: SubmissionResult<string[]> | undefined;
  defaultValue: CampaignFormValues;
  submitLabel: string;
  cancelHref: string;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const errorText = useCampaignErrorText();
  const [form, fields] = useForm({
    lastResult,
    defaultValue,
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: campaignDraftSchema }),
  });
  const hinted = (field: AnyField) => ({ ariaDescribedBy: `${field.id}-hint` });
  return (
    <Form method="post" {...getFormProps(form)} className="card">
      <div id={form.errorId} />
      <Labelled field={fields.name} label={t('campaigns.fields.name')}>
        <input {...getInputProps(fields.name, { type: 'text' })} key={fields.name.key} required maxLength={120} />
      </Labelled>
      <Labelled field={fields.surveyVersionId} label={t('campaigns.fields.survey')}>
        <select {...getSelectProps(fields.surveyVersionId)} key={fields.surveyVersionId.key} required>
          {choices.versions.map((version) => (
            <option key={version.id} value={version.id}>
              {t('campaigns.fields.surveyVersion', { name: version.surveyName, version: version.version })}
            </option>
          ))}
        </select>
      </Labelled>
      <Labelled field={fields.period} label={t('campaigns.fields.period')}>
        <select {...getSelectProps(fields.period)} key={fields.period.key} required>
          {choices.periods.map((period) => (
            <option key={period} value={period}>
              {period}
            </option>
          ))}
        </select>
      </Labelled>
      <fieldset className="field">
        <legend>{t('campaigns.fields.audience')}</legend>
        {getCollectionProps(fields.audience, { type: 'radio', options: ['all', 'tiers'] }).map((props) => (
          <label className="choice" key={props.key}>
            <input {...props} key={props.key} />
            {t(props.value === 'all' ? 'campaigns.fields.audienceAll' : 'campaigns.fields.audienceTiers')}
          </label>
        ))}
        <FieldErrors id={fields.audience.errorId} errors={errorText(fields.audience.errors)} />
        <fieldset className="field">
          <legend className="visually-hidden">{t('campaigns.fields.tiers')}</legend>
          {getCollectionProps(fields.tierIds, { type: 'checkbox', options: choices.tiers.map((tier) => tier.id) }).map((props) => (
            <label className="choice" key={props.key}>
              <input {...props} key={props.key} />
              {choices.tiers.find((tier) => tier.id === props.value)?.label}
            </label>
          ))}
          <FieldErrors id={fields.tierIds.errorId} errors={errorText(fields.tierIds.errors)} />
        </fieldset>
      </fieldset>
      <Labelled field={fields.scheduledAt} label={t('campaigns.fields.scheduledAt')} hint={t('campaigns.fields.scheduledAtHint')}>
        <input {...getInputProps(fields.scheduledAt, { type: 'datetime-local', ...hinted(fields.scheduledAt) })} key={fields.scheduledAt.key} />
      </Labelled>
      <Labelled field={fields.closesOn} label={t('campaigns.fields.closesOn')} hint={t('campaigns.fields.closesOnHint')}>
        <input {...getInputProps(fields.closesOn, { type: 'date', ...hinted(fields.closesOn) })} key={fields.closesOn.key} required />
      </Labelled>
      <Labelled field={fields.reminderDelayDays} label={t('campaigns.fields.reminderDelayDays')}>
        <input {...getInputProps(fields.reminderDelayDays, { type: 'number' })} key={fields.reminderDelayDays.key} min={1} max={60} required />
      </Labelled>
      <Labelled field={fields.maxReminders} label={t('campaigns.fields.maxReminders')}>
        <input {...getInputProps(fields.maxReminders, { type: 'number' })} key={fields.maxReminders.key} min={0} max={5} required />
      </Labelled>
      <Labelled
        field={fields.cooldownDays}
        label={t('campaigns.fields.cooldownDays')}
        hint={t('campaigns.fields.cooldownDaysHint', { days: choices.workspace.cooldownDays })}
      >
        <input {...getInputProps(fields.cooldownDays, { type: 'number', ...hinted(fields.cooldownDays) })} key={fields.cooldownDays.key} min={0} max={365} />
      </Labelled>
      <Labelled
        field={fields.senderName}
        label={t('campaigns.fields.senderName')}
        hint={t('campaigns.fields.senderNameHint', { name: choices.workspace.senderName ?? choices.workspace.name })}
      >
        <input {...getInputProps(fields.senderName, { type: 'text', ...hinted(fields.senderName) })} key={fields.senderName.key} maxLength={80} />
      </Labelled>
      <div className="actions">
        <button type="submit" className="button primary" disabled={navigation.state === 'submitting'}>
          {submitLabel}
        </button>{' '}
        <Link to={cancelHref} className="button ghost">
          {t('campaigns.cancel')}
        </Link>
      </div>
    </Form>
  );
}

import type { SubmissionResult } from '@conform-to/react';
import { Form, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { MAX_PROMISE_LENGTH } from '~/customers/tier-limits';

/**
 * Settings → Tiers: what each tier is promised, one optional line per tier.
 * Posts `intent=promises` with `promises[i].tierId` and `promises[i].promise`;
 * a refused post comes back as `result` and shows its errors at the fields,
 * with what was typed kept.
 */
export function TierPromisesForm({
  tiers,
  result,
}: {
  tiers: Array<{ id: string; label: string; promise: string | null }>;
  result: SubmissionResult<string[]> | undefined;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const typed = (result?.initialValue as { promises?: Array<{ promise?: string }> } | undefined)?.promises;
  const errorsOf = (index: number) => result?.error?.[`promises[${index}].promise`] ?? [];
  const formErrors = [...(result?.error?.[''] ?? []), ...(result?.error?.promises ?? [])];
  return (
    <Form method="post" className="card" aria-labelledby="promises-title">
      <input type="hidden" name="intent" value="promises" />
      <h3 id="promises-title">{t('promises.settings.title')}</h3>
      <p className="hint" id="promises-hint">
        {t('promises.settings.hint')}
      </p>
      {formErrors.length > 0 ? (
        <div role="alert" className="alert alert-error">
          {formErrors.map((code) => (
            <p key={code}>{t(`promises.settings.errors.${code}`, { defaultValue: t('errors.invalid_request') })}</p>
          ))}
        </div>
      ) : null}
      {tiers.map((tier, index) => {
        const id = `promise-${tier.id}`;
        const errors = errorsOf(index);
        return (
          <div className="field" key={tier.id}>
            <input type="hidden" name={`promises[${index}].tierId`} value={tier.id} />
            <label htmlFor={id}>{t('promises.settings.label', { tier: tier.label })}</label>
            <input
              id={id}
              name={`promises[${index}].promise`}
              type="text"
              maxLength={MAX_PROMISE_LENGTH}
              defaultValue={typed ? (typed[index]?.promise ?? '') : (tier.promise ?? '')}
              aria-invalid={errors.length > 0 || undefined}
              aria-describedby={errors.length > 0 ? `${id}-error` : 'promises-hint'}
            />
            <div id={`${id}-error`} className="field-error" aria-live="polite">
              {errors.map((code) => (
                <p key={code}>{t(`promises.settings.errors.${code}`, { defaultValue: t('errors.invalid_request') })}</p>
              ))}
            </div>
          </div>
        );
      })}
      <button type="submit" className="button" disabled={navigation.state === 'submitting'}>
        {t('promises.settings.save')}
      </button>
    </Form>
  );
}

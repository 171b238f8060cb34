import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { contactRuleSchema, MAX_CONTACT_DAYS } from '~/campaigns/contact-rule';
import { contactRuleOf, setContactRule } from '~/campaigns/contact-rule.server';
import { db } from '~/db.server';
import { readFormData } from '~/http/request.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  return json({ days: await contactRuleOf(db(), member.workspace.id), isOwner: member.role === 'owner' });
}

type ActionResult = { ok: true; days: number } | { ok: false; error: string; days: string };

export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(db(), request, 'owner');
  const fields = Object.fromEntries(await readFormData(request));
  const parsed = contactRuleSchema.safeParse(fields);
  if (!parsed.success) {
    const error = parsed.error.issues[0]?.message === 'limit_invalid' ? 'limit_invalid' : 'days_invalid';
    return json<ActionResult>({ ok: false, error, days: typeof fields.days === 'string' ? fields.days.slice(0, 10) : '' }, { status: 400 });
  }
  await setContactRule(db(), member.workspace.id, member.user.id, parsed.data.days);
  return json<ActionResult>({ ok: true, days: parsed.data.days });
}

export default function ContactRuleSettings() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state !== 'idle';
  const error = result && !result.ok ? t(`contactRules.errors.${result.error}`) : null;
  const days = result && !result.ok ? result.days : String(data.days > 0 ? data.days : 90);
  return (
    <section aria-labelledby="contact-title">
      <h2 id="contact-title">{t('contactRules.title')}</h2>
      <p className="muted">{t('contactRules.intro')}</p>
      <p data-testid="contact-rule">{data.days > 0 ? t('contactRules.current', { days: data.days }) : t('contactRules.currentOff')}</p>
      {data.isOwner ? (
        <Form method="post">
          <fieldset>
            <legend className="visually-hidden">{t('contactRules.title')}</legend>
            <label className="choice">
              <input type="radio" name="limit" value="on" defaultChecked={data.days > 0} />
              {t('contactRules.limitOn')}
              <input
                type="number"
                name="days"
                min={0}
                max={MAX_CONTACT_DAYS}
                defaultValue={days}
                aria-label={`${t('contactRules.limitOn')} … ${t('contactRules.days')}`}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? 'days-error' : undefined}
                style={{ width: '6rem' }}
              />
              {t('contactRules.days')}
            </label>
            <label className="choice">
              <input type="radio" name="limit" value="off" defaultChecked={data.days === 0} />
              {t('contactRules.limitOff')}
            </label>
          </fieldset>
          {error ? (
            <p id="days-error" className="field-error" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit" className="button primary" disabled={busy}>
            {t('settings.save')}
          </button>
          {result?.ok ? (
            <p role="status" className="alert alert-success">
              {t('contactRules.saved')}
            </p>
          ) : null}
        </Form>
      ) : (
        <p className="muted">{t('contactRules.ownersOnly')}</p>
      )}
    </section>
  );
}

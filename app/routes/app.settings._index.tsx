import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod/v4';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { setUserLocale } from '~/auth/accounts.server';
import { profileSchema } from '~/auth/forms';
import { requireMember } from '~/auth/session.server';
import { env } from '~/config/env.server';
import { db } from '~/db.server';
import { processBackupStatus } from '~/ops/backup/schedule.server';
import { readFormData } from '~/http/request.server';
import { FormError } from '~/ui/form';
import { formatNumber } from '~/ui/format';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  // Owners see whether the installation backs itself up (time and size only, never where).
  const backup = member.role === 'owner' ? processBackupStatus(env()) : null;
  return json({ locale: member.user.locale ?? 'browser', email: member.user.email, role: member.role, backup });
}

export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(db(), request);
  const submission = parseWithZod(await readFormData(request), { schema: profileSchema });
  if (submission.status !== 'success') return json(submission.reply(), { status: 400 });
  const { locale } = submission.value;
  await setUserLocale(db(), member.user.id, locale === 'browser' ? null : locale);
  return redirect('/app/settings?saved=1');
}

export default function ProfileSettings() {
  const { t, i18n } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const [form, fields] = useForm({ lastResult: useActionData<typeof action>(), defaultValue: { locale: data.locale } });
  const options = [
    { value: 'browser', label: t('settings.browserLanguage') },
    { value: 'de', label: t('app.languages.de') },
    { value: 'en', label: t('app.languages.en') },
  ];
  return (
    <section aria-labelledby="profile-title">
      <h2 id="profile-title">{t('settings.profile')}</h2>
      <p className="muted">
        {data.email} · {t(`roles.${data.role}`)}
      </p>
      <Form method="post" {...getFormProps(form)}>
        <FormError id={form.errorId} errors={form.errors} />
        <fieldset>
          <legend>{t('settings.interfaceLanguage')}</legend>
          {options.map((option) => (
            <label key={option.value} className="choice">
              <input type="radio" name={fields.locale.name} value={option.value} defaultChecked={data.locale === option.value} />
              {option.label}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="button primary">
          {t('settings.save')}
        </button>
      </Form>
      {data.backup ? <BackupStatusSection status={data.backup} locale={i18n.language} /> : null}
      <h3>{t('security.sessions.title')}</h3>
      <p className="muted">{t('security.sessions.intro')}</p>
      <Form method="post" action="/logout">
        <input type="hidden" name="scope" value="everywhere" />
        <button type="submit" className="button">
          {t('security.sessions.everywhere')}
        </button>
      </Form>
    </section>
  );
}

/** Time in UTC, written out: the server renders it and the browser must show the same. */
function formatUtc(iso: string, locale: string): string {
  return `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso))} UTC`;
}

function BackupStatusSection({ status, locale }: { status: ReturnType<typeof processBackupStatus>; locale: string }) {
  const { t } = useTranslation();
  return (
    <>
      <h3>{t('security.backups.title')}</h3>
      {!status.enabled ? (
        <p className="muted">{t('security.backups.off')}</p>
      ) : status.last ? (
        <p>
          {t('security.backups.last', {
            at: formatUtc(status.last.at, locale),
            size: `${formatNumber(status.last.bytes / 1e6, locale, 1)} MB`,
            keep: status.keep,
            count: status.count,
          })}
        </p>
      ) : (
        <p>{t('security.backups.none')}</p>
      )}
      {status.lastFailureAt ? <p role="alert">{t('security.backups.failed', { at: formatUtc(status.lastFailureAt, locale) })}</p> : null}
    </>
  );
}

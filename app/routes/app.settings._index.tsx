import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod/v4';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { setUserLocale } from '~/auth/accounts.server';
import { profileSchema } from '~/auth/forms';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { readFormData } from '~/http/request.server';
import { FormError } from '~/ui/form';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  return json({ locale: member.user.locale ?? 'browser', email: member.user.email, role: member.role });
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
  const { t } = useTranslation();
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

import { getFormProps, getSelectProps, useForm } from '@conform-to/react';
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { roles } from '../../db/schema/accounts';
import { inviteMemberSchema } from '~/auth/forms';
import { invite, listMembers, listPendingInvitations } from '~/auth/members.server';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { readFormData } from '~/http/request.server';
import { resolveLocale } from '~/i18n/locale.server';
import { Field, FieldErrors, FormError, useErrorText } from '~/ui/form';
import { formatDate } from '~/ui/format';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request, 'owner');
  const [members, pending] = await Promise.all([
    listMembers(db(), member.workspace.id),
    listPendingInvitations(db(), member.workspace.id),
  ]);
  return json({ members, pending });
}

export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(db(), request, 'owner');
  const submission = parseWithZod(await readFormData(request), { schema: inviteMemberSchema });
  if (submission.status !== 'success') return json({ result: submission.reply(), invited: null }, { status: 400 });
  const result = await invite(db(), {
    workspaceId: member.workspace.id,
    email: submission.value.email,
    role: submission.value.role,
    invitedBy: { id: member.user.id, name: member.user.name },
    locale: await resolveLocale(request, member.user.locale),
  });
  if (!result.ok) {
    return json({ result: submission.reply({ fieldErrors: { email: [result.error] } }), invited: null }, { status: 400 });
  }
  return json({ result: submission.reply({ resetForm: true }), invited: submission.value.email });
}

export default function MembersSettings() {
  const { t, i18n } = useTranslation();
  const { members, pending } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errorText = useErrorText();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    constraint: getZodConstraint(inviteMemberSchema),
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: inviteMemberSchema }),
    defaultValue: { role: 'marketing' },
  });
  return (
    <>
      <section aria-labelledby="members-title">
        <h2 id="members-title">{t('settings.members')}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('auth.name')}</th>
                <th scope="col">{t('auth.email')}</th>
                <th scope="col">{t('settings.role')}</th>
                <th scope="col">{t('settings.since')}</th>
              </tr>
            </thead>
            <tbody>
              {members.map((row) => (
                <tr key={row.userId}>
                  <th scope="row">{row.name}</th>
                  <td>{row.email}</td>
                  <td>{t(`roles.${row.role}`)}</td>
                  <td>{formatDate(row.since, i18n.language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="pending-title">
        <h2 id="pending-title">{t('settings.pending')}</h2>
        {pending.length === 0 ? (
          <p className="muted">{t('settings.noPending')}</p>
        ) : (
          <ul>
            {pending.map((row) => (
              <li key={row.id}>
                {row.email} · {t(`roles.${row.role}`)} · {t('settings.expires')} {formatDate(row.expiresAt, i18n.language)}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="invite-title" className="card">
        <h2 id="invite-title">{t('settings.inviteTitle')}</h2>
        {actionData?.invited ? (
          <p role="status" className="alert alert-success">
            {t('settings.invited', { email: actionData.invited })}
          </p>
        ) : null}
        <Form method="post" {...getFormProps(form)}>
          <FormError id={form.errorId} errors={form.errors} />
          <Field field={fields.email} label={t('auth.email')} type="email" autoComplete="off" />
          <div className="field">
            <label htmlFor={fields.role.id}>{t('settings.role')}</label>
            <select {...getSelectProps(fields.role)} key={fields.role.key}>
              {roles.map((role) => (
                <option key={role} value={role}>
                  {t(`roles.${role}`)}
                </option>
              ))}
            </select>
            <FieldErrors id={fields.role.errorId} errors={errorText(fields.role.errors)} />
          </div>
          <button type="submit" className="button primary" disabled={navigation.state === 'submitting'}>
            {t('settings.inviteSubmit')}
          </button>
        </Form>
      </section>
    </>
  );
}

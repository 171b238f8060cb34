import { getFormProps, getSelectProps, useForm } from '@conform-to/react';
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { z } from 'zod';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { roles } from '../../db/schema/accounts';
import { inviteMemberSchema } from '~/auth/forms';
import { invite, listMembers, listPendingInvitations } from '~/auth/members.server';
import { requireMember } from '~/auth/session.server';
import { changeRole, lastSignIns, recentAudit, removeMember, revokeInvitation } from '~/auth/team.server';
import { db } from '~/db.server';
import { readFormData } from '~/http/request.server';
import { resolveLocale } from '~/i18n/locale.server';
import { Field, FieldErrors, FormError, useErrorText } from '~/ui/form';
import { formatDate } from '~/ui/format';

/** The team changes besides inviting; each names its subject by id. */
const teamChangeSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('remove'), userId: z.uuid() }),
  z.object({ intent: z.literal('role'), userId: z.uuid(), role: z.enum(roles) }),
  z.object({ intent: z.literal('revoke'), invitationId: z.uuid() }),
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request, 'owner');
  const [members, pending, signIns, audit] = await Promise.all([
    listMembers(db(), member.workspace.id),
    listPendingInvitations(db(), member.workspace.id),
    lastSignIns(db(), member.workspace.id),
    recentAudit(db(), member.workspace.id),
  ]);
  return json({
    members: members.map((row) => ({ ...row, lastSignIn: signIns.get(row.userId) ?? null })),
    pending,
    audit: audit.map((entry) => ({ ...entry, details: entry.details ? Object.entries(entry.details).map(([key, value]) => `${key}: ${String(value)}`).join(', ') : '' })),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(db(), request, 'owner');
  const form = await readFormData(request);
  if (form.has('intent') && form.get('intent') !== 'invite') {
    const change = teamChangeSchema.safeParse(Object.fromEntries(form));
    if (!change.success) return json({ result: null, invited: null, change: null, changeError: 'not_found' as const }, { status: 400 });
    const by = { workspaceId: member.workspace.id, actorUserId: member.user.id };
    const value = change.data;
    const outcome =
      value.intent === 'remove'
        ? await removeMember(db(), { ...by, userId: value.userId })
        : value.intent === 'role'
          ? await changeRole(db(), { ...by, userId: value.userId, role: value.role })
          : await revokeInvitation(db(), { ...by, invitationId: value.invitationId });
    if (!outcome.ok) return json({ result: null, invited: null, change: null, changeError: outcome.error }, { status: outcome.error === 'not_found' ? 404 : 409 });
    return json({ result: null, invited: null, change: value.intent === 'remove' ? ('removed' as const) : value.intent === 'role' ? ('role' as const) : ('revoked' as const), changeError: null });
  }
  const submission = parseWithZod(form, { schema: inviteMemberSchema });
  if (submission.status !== 'success') return json({ result: submission.reply(), invited: null, change: null, changeError: null }, { status: 400 });
  const result = await invite(db(), {
    workspaceId: member.workspace.id,
    email: submission.value.email,
    role: submission.value.role,
    invitedBy: { id: member.user.id, name: member.user.name },
    locale: await resolveLocale(request, member.user.locale),
  });
  if (!result.ok) {
    return json({ result: submission.reply({ fieldErrors: { email: [result.error] } }), invited: null, change: null, changeError: null }, { status: 400 });
  }
  return json({ result: submission.reply({ resetForm: true }), invited: submission.value.email, change: null, changeError: null });
}

export default function MembersSettings() {
  const { t, i18n } = useTranslation();
  const { members, pending, audit } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errorText = useErrorText();
  const [form, fields] = useForm({
    lastResult: actionData?.result ?? undefined,
    constraint: getZodConstraint(inviteMemberSchema),
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: inviteMemberSchema }),
    defaultValue: { role: 'marketing' },
  });
  return (
    <>
      <section aria-labelledby="members-title">
        <h2 id="members-title">{t('settings.members')}</h2>
        {actionData?.change ? (
          <p role="status" className="alert alert-success">
            {t(`security.team.done.${actionData.change}`)}
          </p>
        ) : null}
        {actionData?.changeError ? (
          <p role="alert" className="alert alert-error">
            {t(`security.team.errors.${actionData.changeError}`)}
          </p>
        ) : null}
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('auth.name')}</th>
                <th scope="col">{t('auth.email')}</th>
                <th scope="col">{t('settings.role')}</th>
                <th scope="col">{t('settings.since')}</th>
                <th scope="col">{t('security.team.lastSignIn')}</th>
                <th scope="col">{t('security.team.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {members.map((row) => (
                <tr key={row.userId}>
                  <th scope="row">{row.name}</th>
                  <td>{row.email}</td>
                  <td>{t(`roles.${row.role}`)}</td>
                  <td>{formatDate(row.since, i18n.language)}</td>
                  <td>{row.lastSignIn ? formatDate(row.lastSignIn, i18n.language) : t('security.team.never')}</td>
                  <td>
                    <Form method="post">
                      <input type="hidden" name="intent" value="role" />
                      <input type="hidden" name="userId" value={row.userId} />
                      <select name="role" defaultValue={row.role} aria-label={t('security.team.roleOf', { name: row.name })}>
                        {roles.map((role) => (
                          <option key={role} value={role}>
                            {t(`roles.${role}`)}
                          </option>
                        ))}
                      </select>{' '}
                      <button type="submit" className="button">
                        {t('security.team.changeRole')}
                      </button>
                    </Form>
                    <Form method="post">
                      <input type="hidden" name="intent" value="remove" />
                      <input type="hidden" name="userId" value={row.userId} />
                      <button type="submit" className="button" aria-label={t('security.team.removeLabel', { name: row.name })}>
                        {t('security.team.remove')}
                      </button>
                    </Form>
                  </td>
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
                {row.email} · {t(`roles.${row.role}`)} · {t('settings.expires')} {formatDate(row.expiresAt, i18n.language)}{' '}
                <Form method="post">
                  <input type="hidden" name="intent" value="revoke" />
                  <input type="hidden" name="invitationId" value={row.id} />
                  <button type="submit" className="button" aria-label={t('security.team.revokeLabel', { email: row.email })}>
                    {t('security.team.revoke')}
                  </button>
                </Form>
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
      <section aria-labelledby="audit-title">
        <h2 id="audit-title">{t('security.audit.title')}</h2>
        <p className="muted">{t('security.audit.intro')}</p>
        {audit.length === 0 ? (
          <p className="muted">{t('security.audit.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('security.audit.when')}</th>
                  <th scope="col">{t('security.audit.who')}</th>
                  <th scope="col">{t('security.audit.what')}</th>
                </tr>
              </thead>
              <tbody>
                {audit.map((entry) => (
                  <tr key={entry.id}>
                    <td>{formatDate(entry.at, i18n.language)}</td>
                    <td>{entry.actor ?? t('security.audit.system')}</td>
                    <td>
                      <code>{entry.action}</code> {entry.details}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

import { getFormProps, useForm } from '@conform-to/react';
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { apiScopes } from '~/api/scopes';
import { requireMember } from '~/auth/session.server';
import { createApiKey, listApiKeys, revokeApiKey } from '~/customers/api-keys.server';
import { db } from '~/db.server';
import { notFound, readFormData } from '~/http/request.server';
import { Field, FormError } from '~/ui/form';
import { formatDate } from '~/ui/format';

const keyFormSchema = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('create'),
    name: z.string({ error: 'required' }).trim().min(1, 'required').max(80, 'too_long'),
    scopes: z.array(z.enum(apiScopes, { error: 'required' }), { error: 'required' }).min(1, 'required'),
  }),
  z.object({ intent: z.literal('revoke'), keyId: z.string() }),
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request, 'owner');
  return json({ keys: await listApiKeys(db(), member.workspace.id), apiBase: `${new URL(request.url).origin}/api/v1` });
}

export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(db(), request, 'owner');
  const submission = parseWithZod(await readFormData(request), { schema: keyFormSchema });
  if (submission.status !== 'success') return json({ result: submission.reply(), created: null }, { status: 400 });
  if (submission.value.intent === 'revoke') {
    if (!(await revokeApiKey(db(), member.workspace.id, submission.value.keyId, member.user.id))) notFound();
    return json({ result: submission.reply(), created: null });
  }
  const { name, scopes } = submission.value;
  const created = await createApiKey(db(), { workspaceId: member.workspace.id, name, createdBy: member.user.id, scopes: [...new Set(scopes)] });
  // The key is in this one response only; it is not stored and cannot be shown again.
  return json({ result: submission.reply({ resetForm: true }), created: { name: submission.value.name, key: created.key } }, { headers: { 'Cache-Control': 'no-store' } });
}

export default function ApiKeySettings() {
  const { t, i18n } = useTranslation();
  const { keys, apiBase } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm<{ intent: 'create'; name: string; scopes: string[] }>({
    lastResult: actionData?.result,
    constraint: getZodConstraint(keyFormSchema),
    shouldValidate: 'onBlur',
  });
  const date = (value: string | null) => (value ? formatDate(value, i18n.language) : '–');
  return (
    <>
      <section aria-labelledby="keys-title">
        <h2 id="keys-title">{t('customers.apiKeys.title')}</h2>
        <p className="muted">
          {t('customers.apiKeys.intro', { base: apiBase })} <a href="/app/settings/api-reference">{t('api.referenceTab')}</a>
        </p>
        {actionData?.created ? (
          <div role="status" className="alert alert-success">
            <p>{t('customers.apiKeys.createdOnce', { name: actionData.created.name })}</p>
            <p>
              <label htmlFor="new-key">{t('customers.apiKeys.key')}</label>{' '}
              <input id="new-key" readOnly value={actionData.created.key} size={50} onFocus={(event) => event.currentTarget.select()} />
            </p>
          </div>
        ) : null}
        {keys.length === 0 ? (
          <p>{t('customers.apiKeys.none')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('customers.apiKeys.name')}</th>
                  <th scope="col">{t('customers.apiKeys.prefix')}</th>
                  <th scope="col">{t('api.scopes')}</th>
                  <th scope="col">{t('customers.apiKeys.created')}</th>
                  <th scope="col">{t('customers.apiKeys.lastUsed')}</th>
                  <th scope="col">{t('customers.apiKeys.status')}</th>
                </tr>
              </thead>
              <tbody>
                {keys.map((key) => (
                  <tr key={key.id}>
                    <th scope="row">{key.name}</th>
                    <td>
                      <code>{`${key.prefix}…`}</code>
                    </td>
                    <td>{key.scopes.join(', ')}</td>
                    <td>
                      {date(key.createdAt)}
                      {key.createdByName ? ` · ${key.createdByName}` : ''}
                    </td>
                    <td>{key.lastUsedAt ? date(key.lastUsedAt) : t('customers.apiKeys.never')}</td>
                    <td>
                      {key.revokedAt ? (
                        t('customers.apiKeys.revokedOn', { date: date(key.revokedAt) })
                      ) : (
                        <Form method="post">
                          <input type="hidden" name="intent" value="revoke" />
                          <input type="hidden" name="keyId" value={key.id} />
                          <button type="submit" className="button ghost" aria-label={t('customers.apiKeys.revokeNamed', { name: key.name })}>
                            {t('customers.apiKeys.revoke')}
                          </button>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="new-key-title" className="card">
        <h2 id="new-key-title">{t('customers.apiKeys.createTitle')}</h2>
        <Form method="post" {...getFormProps(form)}>
          <FormError id={form.errorId} errors={form.errors} />
          <input type="hidden" name="intent" value="create" />
          <Field field={fields.name} label={t('customers.apiKeys.name')} hint={t('customers.apiKeys.nameHint')} autoComplete="off" />
          <fieldset aria-describedby={fields.scopes.errors ? fields.scopes.errorId : undefined}>
            <legend>{t('api.scopes')}</legend>
            {apiScopes.map((scope) => (
              <label key={scope} style={{ display: 'block' }}>
                <input type="checkbox" name={fields.scopes.name} value={scope} defaultChecked={scope === 'customers:write'} /> <code>{scope}</code> – {t(`api.scope_${scope.replace(':', '_')}`)}
              </label>
            ))}
            {fields.scopes.errors ? (
              <p id={fields.scopes.errorId} className="field-error">
                {t('api.scopesRequired')}
              </p>
            ) : null}
          </fieldset>
          <button type="submit" className="button primary" disabled={navigation.state === 'submitting'}>
            {t('customers.apiKeys.create')}
          </button>
        </Form>
      </section>
    </>
  );
}

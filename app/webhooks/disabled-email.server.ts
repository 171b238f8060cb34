import { createElement } from 'react';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { memberships, users, workspaces, type webhookEndpoints } from '../../db/schema';
import WebhookDisabledEmail from '../../emails/webhook-disabled';
import { env } from '../config/env.server';
import { queueEmail } from '../email/outbox.server';
import { isLocale, translator } from '../i18n';

/**
 * Emails every owner of the workspace that an endpoint was disabled, in the
 * transaction that disables it. The key names the endpoint and the moment,
 * so the email goes once per disabling.
 */
export async function queueEndpointDisabledEmails(db: Database, endpoint: typeof webhookEndpoints.$inferSelect, lastError: string): Promise<void> {
  const owners = await db
    .select({ email: users.email, locale: users.locale, company: workspaces.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(and(eq(memberships.workspaceId, endpoint.workspaceId), eq(memberships.role, 'owner')));
  const settingsUrl = `${env().APP_URL}/app/settings/webhooks`;
  for (const owner of owners) {
    const locale = isLocale(owner.locale) ? owner.locale : 'de';
    const t = translator(locale);
    const vars = { url: endpoint.url, company: owner.company, error: lastError };
    await queueEmail(db, {
      kind: 'webhook_disabled',
      workspaceId: endpoint.workspaceId,
      to: owner.email,
      fromName: 'Wouldmiss',
      subject: t('api.webhookDisabledEmail.subject', vars),
      body: createElement(WebhookDisabledEmail, {
        lang: locale,
        settingsUrl,
        texts: {
          preview: t('api.webhookDisabledEmail.preview', vars),
          heading: t('api.webhookDisabledEmail.heading', vars),
          body: t('api.webhookDisabledEmail.body', vars),
          button: t('api.webhookDisabledEmail.button', vars),
          expiry: t('api.webhookDisabledEmail.lastError', vars),
        },
      }),
      idempotencyKey: `webhook-disabled:${endpoint.id}:${endpoint.disabledAt?.toISOString() ?? ''}`,
      link: settingsUrl,
    });
  }
}

import { sql, type SQL } from 'drizzle-orm';

/**
 * Survey emails keep their invitation's token in clear (`variables.token`,
 * `link`) only while it may still be needed: to send the message, to build
 * reminders from the invitation message, and to retry a batch with the same
 * bytes. Once the campaign is closed no reminder can be due and queued
 * messages are cancelled unsent, so the clear token is removed; the
 * invitation itself keeps only the token's hash. A message still in a batch
 * in flight (`sending`) keeps it until the batch is recorded (see
 * `variablesAfterSend` in app/email/queue.server.ts), as a retry must send the same bytes.
 * See docs/decisions/0030-survey-tokens-after-close.md.
 *
 * The statement removes the tokens of the messages of the campaigns `campaignIds`
 * selects; it is meant as a CTE next to the statement that closes them, so
 * both happen in one transaction.
 */
export function forgetSurveyTokens(campaignIds: SQL): SQL {
  return sql`update email_messages m set variables = m.variables - 'token', link = null
    where m.campaign_id in (${campaignIds}) and m.kind in ('invitation', 'reminder')
      and m.status <> 'sending' and m.variables ->> 'token' is not null`;
}

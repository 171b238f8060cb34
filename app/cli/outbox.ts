import { parseArgs } from 'node:util';
import { listOutbox } from '../email/outbox.server';
import type { CommandIo } from './command-io';

/** `cli outbox [--json] [--limit N]`: the newest messages of the local outbox. */
export async function runOutbox(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, limit: { type: 'string' } } });
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    io.stderr.write('--limit takes a whole number from 1 to 10000\n');
    return 2;
  }
  const handle = await (io.openDatabase ?? openConfigured)();
  try {
    const messages = await listOutbox(handle.db, { limit });
    const lines: string[] = [];
    for (const message of messages) {
      if (values.json) {
        const { to, subject, kind, link, status, id } = message;
        lines.push(JSON.stringify({ to, subject, kind, link, status, id, createdAt: message.createdAt.toISOString() }));
      } else {
        lines.push(`${message.createdAt.toISOString()}  ${message.kind.padEnd(15)}  ${message.to}\n  ${message.subject}${message.link ? `\n  ${message.link}` : ''}`);
      }
    }
    if (lines.length > 0) io.stdout.write(`${lines.join('\n')}\n`);
    if (!values.json && messages.length === 0) io.stderr.write('The outbox is empty.\n');
    return 0;
  } finally {
    await handle.close();
  }
}

async function openConfigured() {
  const [{ env }, { openConfiguredDatabase }] = await Promise.all([import('../config/env.server'), import('../config/database.server')]);
  return openConfiguredDatabase(env());
}

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceInvitation } from '../../app/auth/workspace-invitations.server';
import { emailMessages, memberships, users, workspaces } from '../../db/schema';
import { startTestApp } from '../support/app';
import { createTestDatabase, testDriver } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD, verificationLink } from '../support/fixtures';

// On the open internet nobody creates a workspace uninvited (SIGNUP=invite,
// the default off localhost): the operator prints a one-time link for one
// email address; SIGNUP=closed takes no sign-ups at all.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let invited: Awaited<ReturnType<typeof startTestApp>>;
let closed: Awaited<ReturnType<typeof startTestApp>>;
let open: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  invited = await startTestApp(database, { SIGNUP: 'invite' });
  closed = await startTestApp(database, { SIGNUP: 'closed' });
  open = await startTestApp(database, { SIGNUP: 'open' });
});
afterAll(async () => {
  await invited.close();
  await closed.close();
  await open.close();
  await database.dispose();
});

const workspaceCount = async () => (await database.db.select({ n: count() }).from(workspaces))[0]!.n;
const form = (email: string, extra: Record<string, string> = {}) => ({ workspaceName: 'Uninvited GmbH', name: 'Someone', email, password: PASSWORD, ...extra });

describe('sign-up by invitation', () => {
  it('refuses a sign-up without an invitation, on the page and by post', async () => {
    const before = await workspaceCount();
    const page = await invited.client().get('/signup', { 'Accept-Language': 'en' });
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('New workspaces are created by invitation only.');
    const post = await invited.client().post('/signup', form('uninvited@example.com'));
    expect(post.status).toBe(403);
    const forged = await invited.client().post('/signup', form('uninvited@example.com', { invite: 'x'.repeat(43) }));
    expect(forged.status).toBe(403);
    expect(await workspaceCount()).toBe(before);
  });

  it('creates one workspace with an operator’s link, for the invited address only', async () => {
    const { link } = await createWorkspaceInvitation(database.db, { email: 'Invited@Example.com', appUrl: invited.base });
    const path = new URL(link).pathname + new URL(link).search;
    const client = invited.client();
    const page = await client.get(path, { 'Accept-Language': 'en' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('You were invited to create a workspace as invited@example.com.');
    const token = new URL(link).searchParams.get('invite')!;
    // Another address typed into the form: the workspace still goes to the invited one.
    const created = await client.post('/signup', { ...form('someone-else@example.com', { invite: token }), workspaceName: 'Invited GmbH' });
    expect(created.status).toBe(302);
    const [owner] = await database.db.select({ email: users.email }).from(users).innerJoin(memberships, eq(memberships.userId, users.id)).innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId)).where(eq(workspaces.name, 'Invited GmbH'));
    expect(owner?.email).toBe('invited@example.com');
    // The link works once.
    const again = await invited.client().post('/signup', { ...form('invited2@example.com', { invite: token }), workspaceName: 'Twice GmbH' });
    expect(again.status).toBe(403);
    expect((await invited.client().get(path)).status).toBe(403);
  });

  it('takes no sign-up at all when closed, not even with an invitation', async () => {
    const { link } = await createWorkspaceInvitation(database.db, { email: 'closed@example.com', appUrl: closed.base });
    const token = new URL(link).searchParams.get('invite')!;
    const before = await workspaceCount();
    const page = await closed.client().get(`/signup?invite=${token}`, { 'Accept-Language': 'en' });
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('New workspaces cannot be created here.');
    expect((await closed.client().post('/signup', form('closed@example.com', { invite: token }))).status).toBe(403);
    expect(await workspaceCount()).toBe(before);
  });
});

describe('open sign-up tells nobody which emails have accounts', () => {
  /** What the visitor sees of a sign-up: status, cookies and the page (its per-request nonce aside). */
  async function signUpAs(email: string) {
    const response = await open.client().post('/signup', { ...form(email), workspaceName: `Workspace of ${email}` }, { 'Accept-Language': 'en' });
    const page = (await response.text()).replace(/nonce="[^"]*"/g, 'nonce=""');
    return { status: response.status, location: response.headers.get('Location'), cookies: response.headers.getSetCookie(), page };
  }
  const messagesTo = (to: string, kind: 'signup_attempt' | 'email_verification') =>
    database.db.select().from(emailMessages).where(and(eq(emailMessages.toAddress, to), eq(emailMessages.kind, kind)));

  it('answers a known and a new address with the same page, and emails each what fits', async () => {
    const known = await createWorkspaceWithOwner(database.db, 'Known GmbH');
    await database.db.update(users).set({ locale: 'de' }).where(eq(users.email, known.email));
    const before = await workspaceCount();

    const forKnown = await signUpAs(known.email);
    const forNew = await signUpAs('newcomer@example.com');
    expect(forKnown.status).toBe(200);
    expect(forKnown.cookies).toEqual([]);
    expect(forKnown.page).toContain('Check your inbox');
    expect(forNew).toEqual({ ...forKnown, page: forKnown.page.replaceAll(known.email, 'newcomer@example.com') });

    // Only the new address got a workspace; the known one got a notice in its account's language, with a way in.
    expect(await workspaceCount()).toBe(before + 1);
    expect(await database.db.select().from(workspaces).where(eq(workspaces.name, `Workspace of ${known.email}`))).toHaveLength(0);
    const [notice] = await messagesTo(known.email, 'signup_attempt');
    expect(notice!.subject).toBe('Jemand wollte sich mit Ihrer E-Mail-Adresse registrieren');
    expect(notice!.html).toMatch(/href="http:\/\/localhost:\d+\/login"/);
    expect(notice!.html).toMatch(/href="http:\/\/localhost:\d+\/password\/forgot"/);
    expect(notice!.text).toContain('Passwort');
    expect(await messagesTo('newcomer@example.com', 'signup_attempt')).toHaveLength(0);
    expect(await messagesTo(known.email, 'email_verification')).toHaveLength(1);
  });

  it('signs the new owner in when they follow the confirmation link, once', async () => {
    expect((await signUpAs('follower@example.com')).status).toBe(200);
    const link = new URL(await verificationLink(database.db, 'follower@example.com'));
    const browser = open.client();
    const followed = await browser.get(link.pathname, { 'Accept-Language': 'en' });
    expect(followed.status).toBe(200);
    expect(await followed.text()).toContain('Your email address is confirmed.');
    const overview = await browser.get('/app', { 'Accept-Language': 'en' });
    expect(overview.status).toBe(200);
    expect(await overview.text()).toContain('Workspace of follower@example.com');
    // A second visit (a link scanner, a forwarded email) confirms again but signs nobody in.
    const again = await open.client().get(link.pathname, { 'Accept-Language': 'en' });
    expect(again.status).toBe(200);
    expect(again.headers.getSetCookie()).toEqual([]);
  });

  it('sends an account at most three notices an hour, however often its address is tried', async () => {
    const known = await createWorkspaceWithOwner(database.db, 'Popular GmbH');
    for (let i = 0; i < 4; i++) expect((await open.client().post('/signup', form(known.email))).status).toBe(200);
    expect(await messagesTo(known.email, 'signup_attempt')).toHaveLength(3);
  });
});

describe.runIf(testDriver === 'pglite')('npm run cli -- invite-workspace', () => {
  it('prints a one-time sign-up link for the address', { timeout: 120_000 }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'wouldmiss-invite-cli-'));
    try {
      const { DEMO_SEED: _demo, ...inherited } = process.env;
      const child = spawn(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', 'invite-workspace', 'founder@example.com'], {
        env: { ...inherited, DATABASE_URL: '', DATA_DIR: dataDir, APP_URL: 'https://surveys.example.com' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code, stderr).toBe(0);
      expect(stdout.trim()).toMatch(/^https:\/\/surveys\.example\.com\/signup\?invite=[A-Za-z0-9_-]{43}$/);
      expect(stderr).toContain('One workspace for founder@example.com');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

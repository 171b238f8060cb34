import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Every environment variable the app reads, parsed once at start. A wrong
 * value stops the process with a message that names the variable; `.env.example`
 * documents them all.
 */
const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Public base URL used in emailed links; defaults to http://localhost:PORT. */
  APP_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** PGlite data folder, used when DATABASE_URL is not set. */
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }).optional(),
  /**
   * Create the demo workspace (logins with a published password) when the
   * database has no workspace yet. Unset: only when APP_URL is a localhost address.
   */
  DEMO_SEED: booleanFlag.optional(),
  /**
   * Who may create a workspace: anyone (open), holders of an operator's
   * invitation link (invite), or nobody (closed). Unset: open on a localhost
   * APP_URL, invite elsewhere.
   */
  SIGNUP: z.enum(['open', 'invite', 'closed']).optional(),
  EMAIL_FROM: z.string().min(3).default('Wouldmiss <surveys@wouldmiss.example>'),
  /**
   * Which X-Forwarded-For entries to believe for the client's address (rate
   * limits): the number of proxies in front of the app, or their addresses.
   * Never every entry, which anyone can write (see trustProxySetting).
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, ctx) => {
      const setting = trustProxySetting(value);
      if (setting === null) {
        ctx.addIssue({ code: 'custom', message: 'must be false, a number of proxies (1, 2, …), or the proxies\' addresses (e.g. 10.0.0.2, 10.1.0.0/16, loopback)' });
        return z.NEVER;
      }
      return setting;
    }),
  /** With a key, email goes out through Resend; without one, to the local outbox. */
  RESEND_API_KEY: z.string().min(8, 'must be a Resend API key (re_…)').optional(),
  /** Another Resend-compatible endpoint, e.g. a local one in tests. */
  RESEND_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Signing secret of the Resend webhook (whsec_…); POST /webhooks/resend answers 503 without it. */
  RESEND_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be a webhook signing secret (whsec_…)').optional(),
  /** Provider requests per second, shared by all processes; 0 turns the limit off. */
  EMAIL_RATE_PER_SECOND: z.coerce.number().min(0).max(1000).default(2),
  /** Emails one workspace may send in 24 hours; a campaign that would go over is refused when it is confirmed. */
  EMAIL_DAILY_LIMIT_PER_WORKSPACE: z.coerce.number().int().min(1).max(10_000_000).default(20_000),
  /** How long a sending process may hold a claimed batch before another process takes it over. */
  EMAIL_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Run the email dispatcher (send queue, campaign schedule, reminders) inside the app process. */
  RUN_WORKER: booleanFlag.default(true),
  /** On SIGTERM/SIGINT, how long requests in flight may take to finish before their connections are cut. */
  SHUTDOWN_SECONDS: z.coerce.number().min(0).max(600).default(20),
  /** The lowest level written to the log. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `json`: one JSON object per line, for log collectors; `pretty`: readable lines for a terminal. */
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  /** Folder for the daily backups the app writes itself; no scheduled backups without it. */
  BACKUP_DIR: z.string().min(1).optional(),
  /** How many scheduled backups to keep in BACKUP_DIR (the newest). */
  BACKUP_KEEP: z.coerce.number().int().min(1).max(10_000).default(14),
  /** Bearer token that /metrics asks for; without one, /metrics answers 404. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * Let webhooks reach private, loopback and link-local addresses (a CRM on
   * the same network). Off, so an owner's URL cannot reach the app's own network.
   */
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes'),
});

export type Env = Omit<z.infer<typeof envSchema>, 'DEMO_SEED' | 'SIGNUP'> & {
  APP_URL: string;
  SIGNUP: 'open' | 'invite' | 'closed';
  DEMO_SEED: boolean;
  /** Whether DEMO_SEED was set, rather than decided by APP_URL. */
  DEMO_SEED_EXPLICIT: boolean;
};

/** Whether a URL points at this machine (localhost, 127.x.x.x, ::1), where the demo may start by itself. */
export function isLocalhostUrl(url: string): boolean {
  const host = new URL(url).hostname.toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '[::1]';
}

/** The one line the start log says about the demo: whether it runs, why, and how to change that. */
export function demoStartLine(env: Pick<Env, 'APP_URL' | 'DEMO_SEED' | 'DEMO_SEED_EXPLICIT'>): string {
  if (env.DEMO_SEED && !env.DEMO_SEED_EXPLICIT) return 'Demo: on, because APP_URL is a localhost address; set DEMO_SEED=false to start without it.';
  if (env.DEMO_SEED) {
    const warning = isLocalhostUrl(env.APP_URL) ? '' : ` at ${env.APP_URL}, where its logins with the published password are public`;
    return `Demo: on (DEMO_SEED=true)${warning}; set DEMO_SEED=false to turn it off.`;
  }
  if (env.DEMO_SEED_EXPLICIT) return 'Demo: off (DEMO_SEED=false).';
  return `Demo: off, because APP_URL (${env.APP_URL}) is not a localhost address; DEMO_SEED=true starts it anyway.`;
}

/** What Express's `trust proxy` is set to: off, a hop count, or the proxies' addresses. */
export type TrustProxy = false | number | string[];

/**
 * Reads TRUST_PROXY. `false` (or 0) ignores X-Forwarded-For; `true` means one
 * proxy (the address it appends is the client's), never Express's "trust every
 * entry", which let a client pick its own address by sending the header; a
 * number is that many proxies; anything else is a comma-separated list of
 * addresses or subnets (and Express's names loopback, linklocal, uniquelocal).
 * Null when the value is none of these.
 */
export function trustProxySetting(value: string): TrustProxy | null {
  const text = value.trim().toLowerCase();
  if (['false', 'no', '0', ''].includes(text)) return false;
  if (['true', 'yes'].includes(text)) return 1;
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  const valid = (entry: string) => {
    if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return false;
    return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
  };
  if (!entries.every(valid)) return null;
  return entries;
}

/** Thrown for a bad environment; the message names every wrong variable. */
export class ConfigError extends Error {}

/** Parses an environment (process.env by default). Throws ConfigError naming each bad variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings mean "not set", as they do in most .env files.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = result.data;
  const appUrl = (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
  // The demo's logins have a published password: on a public address it starts only when asked for.
  const demo = env.DEMO_SEED ?? isLocalhostUrl(appUrl);
  // A public address gets no open sign-up unless asked for: workspaces come from invitations.
  const signup = env.SIGNUP ?? (isLocalhostUrl(appUrl) ? 'open' : 'invite');
  return { ...env, APP_URL: appUrl, SIGNUP: signup, DEMO_SEED: demo, DEMO_SEED_EXPLICIT: env.DEMO_SEED !== undefined };
}

let cached: Env | undefined;

/** The process's parsed environment, parsed on first use. */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

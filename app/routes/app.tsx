import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, isRouteErrorResponse, NavLink, Outlet, useLoaderData, useRouteError, useRouteLoaderData } from '@remix-run/react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isDemoWorkspace } from '~/auth/demo-workspace';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { countOpenFlags } from '~/reports/overview.server';
import { ErrorPage } from '~/ui/error-page';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  return json({
    member: { name: member.user.name, role: member.role },
    workspace: { name: member.workspace.name, slug: member.workspace.slug, demo: isDemoWorkspace(member.workspace.slug) },
    openFlags: await countOpenFlags(db(), member.workspace.id),
  });
}

const areas = ['customers', 'surveys', 'campaigns', 'results', 'flags'] as const;

type ShellData = ReturnType<typeof useLoaderData<typeof loader>>;

function StaffShell({ data, children }: { data: ShellData; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <div className="topbar-brand">
          <span className="brand">{t('app.name')}</span>
          <span className="workspace-name" title={t('nav.workspace')}>
            {data.workspace.name}
          </span>
          {data.workspace.demo ? (
            <span className="badge" role="note" title={t('security.demoBadgeTitle')} aria-label={t('security.demoBadgeTitle')}>
              {t('security.demoBadge')}
            </span>
          ) : null}
        </div>
        <div className="topbar-account">
          <span className="muted">{t('nav.account', { name: data.member.name })}</span>
          <Form method="post" action="/logout">
            <button type="submit" className="button ghost">
              {t('nav.logout')}
            </button>
          </Form>
        </div>
      </header>
      <nav className="sidenav" aria-label={t('nav.main')}>
        {/* On a phone the list folds into a menu that opens without JavaScript; on wider screens it is always open. */}
        <details className="nav-menu">
          <summary>
            <span aria-hidden="true">☰</span> {t('nav.menu')}
          </summary>
          <ul>
            <li>
              <NavLink to="/app" end>
                {t('nav.overview')}
              </NavLink>
            </li>
            {areas.map((area) => (
              <li key={area}>
                <NavLink to={`/app/${area}`}>
                  {t(`nav.${area}`)}
                  {area === 'flags' && data.openFlags > 0 ? (
                    <span className="badge" aria-label={`${data.openFlags} ${t('overview.openFlags')}`}>
                      {data.openFlags}
                    </span>
                  ) : null}
                </NavLink>
              </li>
            ))}
            <li>
              <NavLink to="/app/outbox">{t('nav.outbox')}</NavLink>
            </li>
            <li>
              <NavLink to="/app/settings">{t('nav.settings')}</NavLink>
            </li>
          </ul>
        </details>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

export default function StaffLayout() {
  return (
    <StaffShell data={useLoaderData<typeof loader>()}>
      <Outlet />
    </StaffShell>
  );
}

/** Errors of staff pages (403, 404) show inside the navigation when the member is known. */
export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>('routes/app');
  const status = isRouteErrorResponse(error) ? error.status : 500;
  if (!isRouteErrorResponse(error)) console.error(error);
  if (!data) {
    return (
      <main id="main" className="auth-page">
        <ErrorPage status={status} />
      </main>
    );
  }
  return (
    <StaffShell data={data}>
      <ErrorPage status={status} />
    </StaffShell>
  );
}

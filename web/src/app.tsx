// The application shell: who is signed in, the navigation the role allows,
// the language switch, and the screen for the current route.
//
// Adding a screen: write
// screens/<name>.tsx, add its catalogue keys to locales/en.ts (and it, ur),
// and add one entry to SECTIONS with the permission that unlocks it.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { request, setSignedOutHandler, type Me, type Permission } from './api';
import { LANGS, lang, setLang, t, tDyn, type Lang } from './i18n';
import type { MessageKey } from './locales/en';
import { clearPurpose } from './purpose';
import { href, navigate, useRoute, type Route } from './router';
import { AuditScreen } from './screens/audit';
import { CasesScreen, InboxScreen } from './screens/cases';
import { DashboardScreen } from './screens/dashboard';
import { FollowupsScreen } from './screens/followups';
import { PartnersScreen } from './screens/partners';
import { RecordsScreen } from './screens/records';
import { ScreeningReview, ScreeningScreen } from './screens/screening';
import { SearchScreen } from './screens/search';
import { SignIn } from './screens/signin';
import { UsersScreen } from './screens/users';

interface Section {
  path: string;
  label: MessageKey;
  permission: Permission;
  render: (route: Route, can: (p: Permission) => boolean, me: Me) => ComponentChildren;
}

const SECTIONS: Section[] = [
  { path: 'search', label: 'nav.search', permission: 'screening.search', render: (_, can) => <SearchScreen canReadRecords={can('records.read')} /> },
  { path: 'partners', label: 'nav.partners', permission: 'partners.query', render: (_, can) => <PartnersScreen canAdmin={can('node.admin')} canReadRecords={can('records.read')} /> },
  { path: 'followups', label: 'nav.followups', permission: 'partners.query', render: (_, can) => <FollowupsScreen canDecide={can('followups.decide')} /> },
  { path: 'inbox', label: 'nav.inbox', permission: 'cases.read', render: () => <InboxScreen /> },
  { path: 'cases', label: 'nav.cases', permission: 'cases.read', render: (r, can) => <CasesScreen caseId={r.path[1]} canWrite={can('cases.write')} /> },
  {
    path: 'screening',
    label: 'nav.screening',
    permission: 'screening.jobs',
    render: (r) => (r.path[1] ? <ScreeningReview jobId={r.path[1]} /> : <ScreeningScreen />),
  },
  {
    path: 'records',
    label: 'nav.records',
    permission: 'records.read',
    render: (r, can, me) => (
      <RecordsScreen
        path={r.path}
        query={r.query}
        canWrite={can('records.write')}
        canAudit={can('audit.read')}
        canImport={can('records.import')}
        canRetention={can('retention.run')}
        fullClearance={me.clearance === 'H3' && me.crime_areas.length === 0}
      />
    ),
  },
  { path: 'audit', label: 'nav.audit', permission: 'audit.read', render: (r) => <AuditScreen query={r.query} /> },
  { path: 'dashboard', label: 'nav.dashboard', permission: 'stats.read', render: () => <DashboardScreen /> },
  { path: 'users', label: 'nav.users', permission: 'users.manage', render: () => <UsersScreen /> },
];

function LanguageSwitch({ onChange }: { onChange: (l: Lang) => void }) {
  return (
    <label class="lang">
      <span class="visually-hidden">{t('lang.label')}</span>
      <select
        name="language"
        aria-label={t('lang.label')}
        value={lang()}
        onChange={(e) => {
          const l = (e.target as HTMLSelectElement).value as Lang;
          setLang(l);
          onChange(l);
        }}
      >
        {LANGS.map((l) => (
          <option value={l.code} lang={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [, setLangState] = useState<Lang>(lang());
  const route = useRoute();

  useEffect(() => {
    setSignedOutHandler(() => setMe(null));
    request<Me>('GET', '/api/v1/session')
      .then(setMe)
      .catch(() => setMe(null));
  }, []);

  const signOut = async () => {
    try {
      await request('DELETE', '/api/v1/session');
    } catch {
      // Signed out already.
    }
    clearPurpose();
    setMe(null);
    navigate('');
  };

  const header = (
    <header class="top">
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          // The hash is the router's: move focus instead of navigating.
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        {t('app.skip')}
      </a>
      <span class="brand">{t('app.name')}</span>
      <LanguageSwitch onChange={setLangState} />
      {me && (
        <>
          <span class="me">{t('nav.signedInAs', { name: me.display_name || me.id, role: tDyn('role', me.role), clearance: me.clearance })}</span>
          <button type="button" class="signout" onClick={() => void signOut()}>
            {t('nav.signOut')}
          </button>
        </>
      )}
    </header>
  );

  if (me === undefined) return header;
  if (me === null) {
    return (
      <>
        {header}
        <SignIn
          onSignedIn={(m) => {
            setMe(m);
          }}
        />
      </>
    );
  }

  const can = (p: Permission) => me.permissions.includes(p);
  const allowed = SECTIONS.filter((s) => can(s.permission));
  const section = SECTIONS.find((s) => s.path === route.path[0]);
  let content: ComponentChildren;
  if (!route.path[0] && allowed.length > 0) {
    content = allowed[0].render({ path: [allowed[0].path], query: route.query }, can, me);
  } else if (!section) {
    content = <p>{t('notFound')}</p>;
  } else if (!can(section.permission)) {
    content = <p class="error">{t('forbidden')}</p>;
  } else {
    content = section.render(route, can, me);
  }
  const active = section?.path ?? allowed[0]?.path;

  return (
    <>
      {header}
      <div class="layout">
        <nav aria-label={t('nav.label')} class="side">
          <ul>
            {allowed.map((s) => (
              <li>
                <a href={href(s.path)} aria-current={s.path === active ? 'page' : undefined}>
                  {t(s.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          {content}
        </main>
      </div>
    </>
  );
}

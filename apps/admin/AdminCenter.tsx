import type { ComponentType } from 'react';
import { t } from '../shared/i18n/t.ts';
import { AgentsOnlyPage } from './pages/AgentsOnlyPage.tsx';
import { CONNECTIONS_PATH, ConnectionsPage } from './pages/connections/ConnectionsPage.tsx';
import { ExportPage } from './pages/export/ExportPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { LOGS_PATH, LogsPage } from './pages/logs/LogsPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { SectionPage } from './pages/SectionPage.tsx';
import { useLocation } from './router.tsx';
import { HOME_PATH, findSection, normalizePath, type Section } from './sections.ts';
import { useSession } from './session.tsx';
import { AdminShell } from './shell/AdminShell.tsx';

/** Sections whose feature has landed, by path; the others show SectionPage's empty state. */
const SECTION_PAGES: Partial<Record<string, ComponentType<{ section: Section }>>> = {
  '/admin/account/tools/reports': ExportPage,
  [LOGS_PATH]: LogsPage,
  [CONNECTIONS_PATH]: ConnectionsPage,
};

/** Everything under /admin, once someone is signed in. */
export function AdminCenter() {
  const { user } = useSession();
  const { pathname } = useLocation();
  if (user.role === 'end-user') return <AgentsOnlyPage />;

  const section = findSection(pathname);
  if (normalizePath(pathname) === HOME_PATH) {
    return <AdminShell pathname={pathname} title={t('home.title')}><HomePage /></AdminShell>;
  }
  if (section) {
    const Page = SECTION_PAGES[section.path] ?? SectionPage;
    return <AdminShell pathname={pathname} title={t(section.label)}><Page section={section} /></AdminShell>;
  }
  return <AdminShell pathname={pathname} title={t('notFound.title')}><NotFoundPage pathname={pathname} /></AdminShell>;
}

import { t } from '../shared/i18n/t.ts';
import { AgentsOnlyPage } from './pages/AgentsOnlyPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { SectionPage } from './pages/SectionPage.tsx';
import { useLocation } from './router.tsx';
import { HOME_PATH, findSection, normalizePath } from './sections.ts';
import { useSession } from './session.tsx';
import { AdminShell } from './shell/AdminShell.tsx';

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
    return <AdminShell pathname={pathname} title={t(section.label)}><SectionPage section={section} /></AdminShell>;
  }
  return <AdminShell pathname={pathname} title={t('notFound.title')}><NotFoundPage pathname={pathname} /></AdminShell>;
}

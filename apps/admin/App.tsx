import { useEffect } from 'react';
import { GardenProvider } from '../shared/theme.tsx';
import { AdminCenter } from './AdminCenter.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { navigate, useLocation } from './router.tsx';
import { HOME_PATH, isAdminPath } from './sections.ts';
import { SessionGate } from './session.tsx';

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function Routes() {
  const { pathname } = useLocation();
  if (pathname === '/login') return <LoginPage />;
  if (isAdminPath(pathname)) {
    return (
      <SessionGate>
        <AdminCenter />
      </SessionGate>
    );
  }
  // The server only serves this document for /login and /admin/*; the Vite dev server serves it everywhere.
  return <Redirect to={HOME_PATH} />;
}

export function App() {
  return (
    <GardenProvider>
      <Routes />
    </GardenProvider>
  );
}

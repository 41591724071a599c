import type { ComponentType, SVGProps } from 'react';
import type { StringKey } from '../shared/i18n/t.ts';
import { ConnectionIcon, ExportIcon, LogIcon } from './components/icons.tsx';

export type Section = {
  path: string;
  /** Where the page sits in Zendesk's Admin Center, outermost first. */
  trail: readonly StringKey[];
  label: StringKey;
  /** The feature that brings the page; until then it shows an empty state naming it. */
  feature: StringKey;
  Icon: ComponentType<SVGProps<SVGSVGElement>>;
};

/** Admin Center pages, at the paths Zendesk uses for them. */
export const SECTIONS: readonly Section[] = [
  {
    path: '/admin/account/tools/reports',
    trail: ['nav.account', 'nav.tools', 'nav.reports'],
    label: 'nav.export',
    feature: 'feature.export',
    Icon: ExportIcon,
  },
  {
    path: '/admin/apps-integrations/integrations/logs',
    trail: ['nav.appsIntegrations', 'nav.integrations'],
    label: 'nav.logs',
    feature: 'feature.integrationLogs',
    Icon: LogIcon,
  },
  {
    path: '/admin/apps-integrations/connections',
    trail: ['nav.appsIntegrations'],
    label: 'nav.connections',
    feature: 'feature.connections',
    Icon: ConnectionIcon,
  },
];

export const HOME_PATH = '/admin';

/** `/admin/foo/` and `/admin/foo` are the same page. */
export const normalizePath = (pathname: string): string => (pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname);

export const isAdminPath = (pathname: string): boolean => pathname === HOME_PATH || pathname.startsWith(`${HOME_PATH}/`);

export const findSection = (pathname: string): Section | undefined => SECTIONS.find((s) => s.path === normalizePath(pathname));

/**
 * Where to go after signing in: the `return_to` path when it is an Admin Center page on this
 * site, else the Admin Center home (so a crafted link cannot send anyone elsewhere).
 */
export function safeReturnTo(raw: string | null): string {
  if (!raw) return HOME_PATH;
  let url: URL;
  try {
    url = new URL(raw, window.location.origin);
  } catch {
    return HOME_PATH;
  }
  if (url.origin !== window.location.origin || !raw.startsWith('/') || !isAdminPath(url.pathname)) return HOME_PATH;
  return url.pathname + url.search + url.hash;
}

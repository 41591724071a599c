import { useEffect, useState } from 'react';
import { browserTimeZone, isTimeZone } from '../../../shared/time.ts';
import { fetchProfileTimeZone } from './api.ts';

/**
 * The zone a viewer reads times in unless they pick another: their profile's, else the browser's.
 * @example defaultZone('America/New_York', 'Europe/Paris') // → 'America/New_York'
 */
export function defaultZone(profile: string | null | undefined, browser: string): string {
  return profile && isTimeZone(profile) ? profile : browser;
}

export type ViewerZone = {
  /** The zone times are shown in; null until the profile has been read. */
  zone: string | null;
  /** The zone without a choice in the address. */
  fallback: string | null;
  profile: string | null;
  browser: string;
};

/** `chosen` is the address's `tz`, when there is one. */
export function useViewerZone(chosen: string | undefined): ViewerZone {
  const browser = browserTimeZone();
  const [profile, setProfile] = useState<{ read: boolean; zone: string | null }>({ read: false, zone: null });

  useEffect(() => {
    const abort = new AbortController();
    fetchProfileTimeZone(abort.signal).then(
      (zone) => setProfile({ read: true, zone }),
      // Without the profile the browser's zone is the best guess; the selector shows which is used.
      () => { if (!abort.signal.aborted) setProfile({ read: true, zone: null }); },
    );
    return () => abort.abort();
  }, []);

  const fallback = profile.read ? defaultZone(profile.zone, browser) : null;
  return { zone: chosen ?? fallback, fallback, profile: profile.zone, browser };
}

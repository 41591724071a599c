import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, describeError } from '../../../shared/api.ts';
import {
  fetchExports, fetchLatest, fetchOutbox, fetchSettings, isActive,
  type DataExport, type ExportSettings, type OutboxEmail,
} from './exportApi.ts';

/** How often the page asks for progress while an export is queued or running. */
export const POLL_MS = 2000;

export type Outbox = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; emails: OutboxEmail[] };

export type Ready = {
  status: 'ready';
  settings: ExportSettings;
  /** The 50 most recent requests, newest first; empty when the viewer may not export. */
  exports: DataExport[];
  /** The most recent downloadable file of each type. */
  latest: DataExport[];
  outbox: Outbox;
};

export type PageState =
  | { status: 'loading' }
  | { status: 'failed'; message: string; forbidden: boolean }
  | Ready;

const activeIds = (list: DataExport[]) => new Set(list.filter(isActive).map((e) => e.id));

async function loadOutbox(signal?: AbortSignal): Promise<Outbox> {
  try {
    return { status: 'ready', emails: await fetchOutbox(signal) };
  } catch (err) {
    if (signal?.aborted) throw err;
    return { status: 'failed', message: describeError(err) };
  }
}

/** Exports and most recent files, which the API shows only to admins allowed to export. */
async function loadFiles(settings: ExportSettings, signal?: AbortSignal) {
  if (!settings.can_export) return { exports: [], latest: [] };
  const [exports, latest] = await Promise.all([fetchExports(signal), fetchLatest(signal)]);
  return { exports, latest };
}

/**
 * Everything the Data export page shows, and the ways it changes: a full load (and retry), settings
 * saved by the page, a new request, and — while an export is queued or running — a poll every
 * POLL_MS that reloads the most recent files and the outbox once an export settles.
 */
export function useExportData() {
  const [state, setState] = useState<PageState>({ status: 'loading' });
  /** A failed poll: shown above the options, cleared by the next good one. */
  const [pollProblem, setPollProblem] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  // Answers to an older question (a poll sent before the settings changed) must not overwrite newer ones.
  const generation = useRef(0);

  useEffect(() => {
    const abort = new AbortController();
    const mine = ++generation.current;
    setState({ status: 'loading' });
    (async () => {
      const settings = await fetchSettings(abort.signal);
      const [files, outbox] = await Promise.all([loadFiles(settings, abort.signal), loadOutbox(abort.signal)]);
      if (mine === generation.current) setState({ status: 'ready', settings, ...files, outbox });
    })().catch((err: unknown) => {
      if (abort.signal.aborted) return;
      const forbidden = err instanceof ApiError && err.status === 403;
      setState({ status: 'failed', message: describeError(err), forbidden });
    });
    return () => abort.abort();
  }, [attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  const update = useCallback((change: (ready: Ready) => Ready) => {
    setState((s) => (s.status === 'ready' ? change(s) : s));
  }, []);

  /** After a settings change: new settings at once, then the files the viewer may now see. */
  const applySettings = useCallback(async (settings: ExportSettings) => {
    const mine = ++generation.current;
    update((s) => ({ ...s, settings, ...(settings.can_export ? {} : { exports: [], latest: [] }) }));
    if (!settings.can_export) return;
    try {
      const files = await loadFiles(settings);
      if (mine === generation.current) update((s) => ({ ...s, ...files }));
    } catch (err) {
      setPollProblem(describeError(err));
    }
  }, [update]);

  /**
   * The settings again, after the API refused for a reason the page did not know (403: another admin
   * turned export off, the owner changed the domain): the page then shows what changed and why.
   */
  const resync = useCallback(async () => {
    try {
      await applySettings(await fetchSettings());
    } catch (err) {
      setPollProblem(describeError(err));
    }
  }, [applySettings]);

  /** A request the API accepted (202): shown at once, and the poll starts. */
  const addExport = useCallback((created: DataExport) => {
    update((s) => ({ ...s, exports: [created, ...s.exports.filter((e) => e.id !== created.id)] }));
  }, [update]);

  /** Everything but the settings again, e.g. after a 409 named an export this page had not seen. */
  const refreshFiles = useCallback(async () => {
    if (state.status !== 'ready') return;
    const mine = generation.current;
    try {
      const [files, outbox] = await Promise.all([loadFiles(state.settings), loadOutbox()]);
      if (mine === generation.current) update((s) => ({ ...s, ...files, outbox }));
      setPollProblem(null);
    } catch (err) {
      setPollProblem(describeError(err));
    }
  }, [state, update]);

  const exports = state.status === 'ready' ? state.exports : [];
  const canExport = state.status === 'ready' && state.settings.can_export;
  const polling = canExport && exports.some(isActive);
  // The exports the page last showed as queued or running: one of them settling means a new file (and email).
  const shownActive = useRef(new Set<number>());
  useEffect(() => {
    shownActive.current = activeIds(exports);
  }, [exports]);

  useEffect(() => {
    if (!polling) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      const mine = generation.current;
      // A hidden tab does not need progress; it catches up on the next tick after it shows again.
      if (document.visibilityState !== 'hidden') {
        try {
          const fresh = await fetchExports();
          const before = shownActive.current;
          if (!stopped && mine === generation.current) {
            update((s) => ({ ...s, exports: fresh }));
            setPollProblem(null);
          }
          const now = activeIds(fresh);
          // Not cut short by `stopped`: the last export settling is what ends the poll, and its file must still show.
          if (mine === generation.current && [...before].some((id) => !now.has(id))) {
            const [latest, outbox] = await Promise.all([fetchLatest(), loadOutbox()]);
            if (mine === generation.current) update((s) => ({ ...s, latest, outbox }));
          }
        } catch (err) {
          // Refused (another admin turned export off, the owner changed the domain): show the new settings and why.
          if (err instanceof ApiError && err.status === 403) void resync();
          else if (mine === generation.current) setPollProblem(describeError(err));
        }
      }
      if (!stopped) timer = setTimeout(tick, POLL_MS);
    };
    timer = setTimeout(tick, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [polling, update, resync]);

  return { state, pollProblem, retry, applySettings, addExport, refreshFiles, resync };
}

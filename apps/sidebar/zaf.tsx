import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

/**
 * The part of the ZAF SDK client (zendesk_app_framework_sdk) this app uses. The same calls are
 * answered by Zendesk's agent workspace and by deskbridge's agent view (apps/agent/zaf-host.ts).
 */
export type ZafRequestOptions = {
  url: string;
  type?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  contentType?: string;
  data?: string;
  dataType?: 'json';
  headers?: Record<string, string>;
  /** Zendesk's proxy fills `{{setting.…}}` placeholders from secure settings and sends the request itself. */
  secure?: boolean;
  cors?: boolean;
};

export type ZafClient = {
  on(event: string, handler: (data: unknown) => void): void;
  off(event: string, handler: (data: unknown) => void): void;
  get(path: string | string[]): Promise<Record<string, unknown>>;
  invoke(name: string, ...args: unknown[]): Promise<unknown>;
  request<T = unknown>(options: ZafRequestOptions): Promise<T>;
};

export type ZafContext = { product?: string; location?: string; ticketId?: number; account?: { subdomain?: string } };
export type ZafMetadata = { appId?: number; installationId?: number; name?: string; settings: Record<string, unknown> };

export type Zaf = { client: ZafClient; context: ZafContext; metadata: ZafMetadata };

const ZafContextValue = createContext<Zaf | null>(null);

/** The registered client with its context and settings; only inside <ZafProvider>. */
export function useZaf(): Zaf {
  const value = useContext(ZafContextValue);
  if (!value) throw new Error('useZaf() is only available inside <ZafProvider>');
  return value;
}

/** What the host sends with `app.registered`. */
export type Registration = { context?: ZafContext; metadata?: Partial<ZafMetadata> };

/**
 * Listens for `app.registered` at once: the host may answer the handshake before React renders.
 * @example const registered = whenRegistered(ZAFClient.init())
 */
export const whenRegistered = (client: ZafClient): Promise<Registration> =>
  new Promise((resolve) => client.on('app.registered', (data) => resolve((data ?? {}) as Registration)));

/** Renders nothing until the host has answered the handshake (`app.registered`). */
export function ZafProvider({ client, registered, children }: { client: ZafClient; registered: Promise<Registration>; children: ReactNode }) {
  const [zaf, setZaf] = useState<Zaf | null>(null);
  useEffect(() => {
    let live = true;
    void registered.then((r) => {
      if (live) setZaf({ client, context: r.context ?? {}, metadata: { ...r.metadata, settings: r.metadata?.settings ?? {} } });
    });
    return () => { live = false; };
  }, [client, registered]);
  return zaf ? <ZafContextValue.Provider value={zaf}>{children}</ZafContextValue.Provider> : null;
}

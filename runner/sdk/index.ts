/**
 * The connector SDK (SPEC R1). A connector is one folder under runner/connectors/ exporting
 * `defineConnector({...})`; it imports only this module (and zod), never the engine, so the engine
 * can change underneath it. The engine hands each handler a context: typed settings, decrypted
 * credentials, an HTTP client that logs and redacts, a logger, and `enqueue()`.
 *
 * @example
 * export default defineConnector({
 *   id: 'example', product: 'Example', displayName: 'Example CRM',
 *   description: 'Sends new tickets to Example CRM as cases.',
 *   settings: z.object({ baseUrl: z.string().url() }),
 *   credentials: z.object({ apiKey: z.string() }),
 *   on: {
 *     'ticket.created': async (ctx, event) => {
 *       const res = await ctx.http.request({ method: 'POST', url: `${ctx.settings.baseUrl}/cases`, json: { subject: event.payload.ticket.subject } });
 *       ctx.log.info(`Ticket #${event.payload.ticket.id} sent to Example as case ${res.json<{ id: string }>().id}`);
 *     },
 *   },
 * });
 */
import type { z } from 'zod';

export type LogStatus = 'info' | 'warning' | 'error' | 'debug';

/** Details are stored as JSON; name the objects involved (`ticket_id`, `case_id`, …). */
export type LogDetails = Record<string, unknown>;

export type Logger = {
  info(description: string, details?: LogDetails): void;
  warn(description: string, details?: LogDetails): void;
  error(description: string, details?: LogDetails): void;
  debug(description: string, details?: LogDetails): void;
  /** The same logger writing under another product name (a private integration logs under its own name). */
  withProduct(product: string): Logger;
};

// ---- Domain events -------------------------------------------------------------------------

/** The ticket as events carry it: the fields a connector maps, as of the change. */
export type TicketSnapshot = {
  id: number; subject: string; description: string; status: string; priority: string | null; type: string | null;
  requester_id: number; submitter_id: number; assignee_id: number | null; group_id: number | null; organization_id: number | null;
  tags: string[]; external_id: string | null; via_channel: string; created_at: string; updated_at: string;
};
export type UserSnapshot = {
  id: number; name: string; email: string | null; role: string; organization_id: number | null; phone: string | null;
  external_id: string | null; tags: string[]; created_at: string; updated_at: string;
};
export type OrganizationSnapshot = {
  id: number; name: string; domain_names: string[]; external_id: string | null; tags: string[]; deleted_at: string | null; created_at: string; updated_at: string;
};
export type FieldChange = { field: string; from: unknown; to: unknown };

export type EventPayloads = {
  'ticket.created': { ticket: TicketSnapshot; actor_id: number };
  'ticket.updated': { ticket: TicketSnapshot; actor_id: number; changes: FieldChange[] };
  'ticket.commented': { ticket: TicketSnapshot; actor_id: number; comment: { id: number; body: string; public: boolean; author_id: number } };
  'ticket.status_changed': { ticket: TicketSnapshot; actor_id: number; from: string; to: string };
  'user.created': { user: UserSnapshot; actor_id: number };
  'user.updated': { user: UserSnapshot; actor_id: number; changes: FieldChange[] };
  'organization.created': { organization: OrganizationSnapshot; actor_id: number };
  'organization.updated': { organization: OrganizationSnapshot; actor_id: number; changes: FieldChange[] };
  'organization.deleted': { organization: OrganizationSnapshot; actor_id: number };
};
export type DomainEventType = keyof EventPayloads;
export const DOMAIN_EVENT_TYPES = [
  'ticket.created', 'ticket.updated', 'ticket.commented', 'ticket.status_changed',
  'user.created', 'user.updated', 'organization.created', 'organization.updated', 'organization.deleted',
] as const satisfies readonly DomainEventType[];

export type DomainEvent<T extends DomainEventType = DomainEventType> = {
  id: number; type: T; account_id: number; occurred_at: string; payload: EventPayloads[T];
};

// ---- HTTP --------------------------------------------------------------------------------------

export type HttpRequest = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON with the content type set. */
  json?: unknown;
  /** Sent as is (form bodies, XML, …). */
  body?: string;
  timeoutMs?: number;
  /** By default a non-2xx answer throws HttpError; set false to inspect it yourself. */
  throwOnError?: boolean;
};
export type HttpResponse = {
  status: number; ok: boolean; headers: Headers; text: string; durationMs: number;
  json<T = unknown>(): T;
};
export type HttpClient = { request(req: HttpRequest): Promise<HttpResponse> };

// ---- Errors a handler may throw --------------------------------------------------------------

/** A non-2xx answer. 429/503 carry the server's Retry-After, which the engine waits before retrying. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly retryAfterMs?: number, readonly bodyPreview?: string) {
    super(message);
    this.name = 'HttpError';
  }
}
/** Retrying cannot help (bad settings, a record the remote refuses): the job is dead at once. */
export class PermanentError extends Error {
  constructor(message: string, readonly code = 'PermanentError') {
    super(message);
    this.name = 'PermanentError';
  }
}
/** Try again later, optionally after a given delay. */
export class RetryableError extends Error {
  constructor(message: string, readonly retryAfterMs?: number, readonly code = 'RetryableError') {
    super(message);
    this.name = 'RetryableError';
  }
}

// ---- deskbridge's own records, as a connector may read and change them -----------------------

export type UserChanges = {
  name?: string; email?: string | null; phone?: string | null; organization_id?: number | null;
  tags?: string[]; external_id?: string | null;
};
export type OrganizationChanges = { name?: string; domain_names?: string[]; tags?: string[]; external_id?: string | null; notes?: string | null };

/** A customer profile from another system (Zendesk's profiles API shape), attached to one user. */
export type CustomerProfile = {
  id: string; user_id: number; source: string; type: string; name: string | null;
  identifiers: { type: string; value: string }[]; attributes: Record<string, unknown>; created_at: string; updated_at: string;
};
/** Something a customer did in another system (an order placed, a fulfillment), on the user's timeline. */
export type CustomerEvent = {
  id: string; user_id: number; profile_id: string | null; source: string; type: string; description: string;
  properties: Record<string, unknown>; created_at: string; received_at: string;
};

/**
 * The account's records a handler may touch. Changes are made as the integration (not as a person),
 * publish domain events like any other change, and are limited to the job's account.
 */
export type DeskbridgeData = {
  users: {
    get(id: number): Promise<UserSnapshot | null>;
    /** Users whose field equals the value (email compared case-insensitively); several when it is ambiguous. */
    find(by: { email?: string; name?: string; external_id?: string; phone?: string }): Promise<UserSnapshot[]>;
    /** Creates an end user. */
    create(input: UserChanges & { name: string }): Promise<UserSnapshot>;
    update(id: number, changes: UserChanges): Promise<UserSnapshot>;
  };
  organizations: {
    get(id: number): Promise<OrganizationSnapshot | null>;
    find(by: { name?: string; external_id?: string }): Promise<OrganizationSnapshot[]>;
    create(input: OrganizationChanges & { name: string }): Promise<OrganizationSnapshot>;
    update(id: number, changes: OrganizationChanges): Promise<OrganizationSnapshot>;
  };
  tickets: { get(id: number): Promise<TicketSnapshot | null> };
  profiles: {
    /** Finds the profile of `source`/`type` holding any of the identifiers, else creates it; merges identifiers and attributes. */
    upsert(input: { user_id: number; source: string; type: string; name?: string | null; identifiers: { type: string; value: string }[]; attributes?: Record<string, unknown> }): Promise<CustomerProfile>;
    find(by: { source: string; type?: string; identifier: { type: string; value: string } }): Promise<CustomerProfile | null>;
  };
  events: {
    record(input: { user_id: number; profile_id?: string | null; source: string; type: string; description: string; properties?: Record<string, unknown>; created_at?: string }): Promise<CustomerEvent>;
  };
};

/** A small JSON key-value store per installation: sync cursors, links between remote and local ids. */
export type KeyValueStore = {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
};

// ---- Handler context ---------------------------------------------------------------------------

/** `ticketId`: the ticket the job's log rows are filed under; by default the current job's, `null` for none. */
export type EnqueueOptions = { delayMs?: number; idempotencyKey?: string; ticketId?: number | null; priority?: number };

export type HandlerContext<S = unknown, C = unknown> = {
  accountId: number;
  installation: { id: number; name: string };
  settings: S;
  credentials: C;
  http: HttpClient;
  log: Logger;
  /** Queues one of this connector's `jobs` for this installation. */
  enqueue(job: string, payload?: unknown, opts?: EnqueueOptions): Promise<{ id: number; created: boolean }>;
  /** Stores new credentials (e.g. a refreshed OAuth token), encrypted; later attempts see them. */
  saveCredentials(credentials: C): Promise<void>;
  /** The account's users, organizations, tickets, profiles and events. */
  data: DeskbridgeData;
  /** This installation's own key-value store. */
  store: KeyValueStore;
  job: { id: number; attempt: number; maxAttempts: number };
  /** Aborted when the job times out or the worker stops. */
  signal: AbortSignal;
  now(): Date;
};

export type WebhookRequest = { headers: Record<string, string>; body: string; query: Record<string, string>; receivedAt: string };

export type WebhookDefinition<S, C> = {
  /** Checks the signature on the raw body; a false answer is a 401 and nothing is queued. */
  verify?(req: WebhookRequest, ctx: { settings: S; credentials: C }): boolean | Promise<boolean>;
  /** The level of the log row a refused delivery writes (default `warning`). */
  refusedStatus?: 'warning' | 'error';
  /**
   * What an accepted delivery is answered when the sender expects more than deskbridge's JSON 202
   * (Salesforce outbound messages need a SOAP `<Ack>`, else they are sent again for 24 hours).
   */
  acceptedResponse?(req: WebhookRequest): { status?: 200 | 202; contentType: string; body: string } | undefined;
  /** A delivery id: a redelivered webhook with the same key is accepted but processed once. */
  dedupeKey?(req: WebhookRequest): string | undefined;
  handle(ctx: HandlerContext<S, C>, req: WebhookRequest): Promise<void>;
};

type Infer<T> = T extends z.ZodType ? z.infer<T> : unknown;

export type ConnectorDefinition<SS extends z.ZodType = z.ZodType, CS extends z.ZodType | undefined = z.ZodType | undefined> = {
  id: string;
  /** The Product column of the integration log (SPEC L3). */
  product: string;
  displayName: string;
  /** One or two sentences for the Connections page: what the connector syncs, and with what. */
  description?: string;
  /**
   * What an admin configures per connection, as plain JSON. The Connections page draws its form
   * from this schema (`z.toJSONSchema`): strings, numbers, booleans, enums and arrays of strings get
   * their own controls (`.describe()` becomes the hint, `.meta({ title })` the label), anything else
   * a JSON text box. Keep it free of transforms whose output would not parse again.
   */
  settings: SS;
  /**
   * The secrets a connection needs (API keys, OAuth tokens), usually a `z.object` of strings. Stored
   * encrypted (AES-256-GCM), never returned by the API nor written to the log; the Connections page
   * shows each field as a write-only password input. Omit it when the connector takes none.
   * @example credentials: z.object({ apiKey: z.string().min(20).describe('Settings › API keys in Example') })
   */
  credentials?: CS;
  /** At most this many of this connector's jobs run at once, across all worker processes. */
  concurrency?: number;
  maxAttempts?: number;
  on?: { [E in DomainEventType]?: (ctx: HandlerContext<z.infer<SS>, Infer<CS>>, event: DomainEvent<E>) => Promise<void> };
  /**
   * Webhooks by name. The one named `inbound` is also reachable at `POST /webhooks/{connector id}/{key}`,
   * where key is the installation id or the value `webhookKey` derives from its settings (a shop domain,
   * an app id); other names at `POST /api/v2/integrations/webhooks/{installation id}/{name}`.
   */
  webhooks?: Record<string, WebhookDefinition<z.infer<SS>, Infer<CS>>>;
  /** The `{key}` of this connector's public webhook address for one installation (see `webhooks`). */
  webhookKey?: (settings: z.infer<SS>) => string | undefined;
  jobs?: Record<string, (ctx: HandlerContext<z.infer<SS>, Infer<CS>>, payload: unknown) => Promise<void>>;
  /**
   * Jobs the engine queues on a timer for every enabled installation: `{ poll: { everySeconds: 300 } }`
   * runs `jobs.poll` once per 5-minute slot (payload `{ slot }`, the slot's start as ISO text), whatever
   * the number of runner processes. The interval may depend on the installation's settings.
   */
  schedules?: Record<string, { everySeconds: number | ((settings: z.infer<SS>) => number) }>;
};

/** Declares a connector; the identity function that gives handlers their types. */
export function defineConnector<SS extends z.ZodType, CS extends z.ZodType | undefined = undefined>(
  def: ConnectorDefinition<SS, CS>,
): ConnectorDefinition<SS, CS> {
  if (!/^[a-z][a-z0-9_-]*$/.test(def.id)) throw new Error(`Connector id "${def.id}" must be lower-case letters, digits, - or _`);
  for (const name of Object.keys(def.schedules ?? {})) {
    if (!def.jobs?.[name]) throw new Error(`Connector "${def.id}" schedules "${name}" but has no job of that name`);
  }
  return def;
}

/** A registered connector of any settings type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyConnector = ConnectorDefinition<any, any>;

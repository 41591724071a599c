import { z } from 'zod';
import type { AnyConnector } from '../sdk/index.ts';

/** A JSON Schema document (draft 2020-12), as `z.toJSONSchema` writes it. */
export type JsonSchema = Record<string, unknown>;

/** What an admin needs to know about a connector to connect it; no handler, nothing secret. */
export type ConnectorView = {
  id: string;
  product: string;
  display_name: string;
  description: string | null;
  /** The settings form: the connector's zod schema as JSON Schema, input side (defaults make a field optional). */
  settings_schema: JsonSchema;
  /** The credentials it takes, or null when it declares none. Values are write-only. */
  credentials_schema: JsonSchema | null;
  /** Top-level credential field names, in declaration order ([] when it takes none). */
  credential_fields: string[];
  events: string[];
  webhooks: string[];
  jobs: string[];
};

/**
 * The input side, because a form fills in inputs; a type JSON Schema cannot say (a date, a
 * transform's output) becomes `{}` (any JSON) rather than failing the whole catalog.
 */
export function toJsonSchema(schema: z.ZodType): JsonSchema {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    return {};
  }
}

const views = new WeakMap<AnyConnector, ConnectorView>();

/** The connector as `GET /api/v2/integrations/connectors` lists it; computed once per connector. */
export function describeConnector(connector: AnyConnector): ConnectorView {
  const cached = views.get(connector);
  if (cached) return cached;
  const credentials = connector.credentials ? toJsonSchema(connector.credentials) : null;
  const properties = credentials?.properties;
  const view: ConnectorView = {
    id: connector.id,
    product: connector.product,
    display_name: connector.displayName,
    description: connector.description ?? null,
    settings_schema: toJsonSchema(connector.settings),
    credentials_schema: credentials,
    credential_fields: properties && typeof properties === 'object' ? Object.keys(properties) : [],
    events: Object.keys(connector.on ?? {}),
    webhooks: Object.keys(connector.webhooks ?? {}),
    jobs: Object.keys(connector.jobs ?? {}),
  };
  views.set(connector, view);
  return view;
}

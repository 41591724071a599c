import { z } from 'zod/mini';
import { apiRequest, getJson, postJson, putJson } from '../../../shared/api.ts';

/* The Connections API as this page uses it (runner/http/routes/connections.ts). */

const jsonSchema = z.record(z.string(), z.unknown());

const connectorSchema = z.object({
  id: z.string(),
  product: z.string(),
  display_name: z.string(),
  description: z.nullable(z.string()),
  settings_schema: jsonSchema,
  credentials_schema: z.nullable(jsonSchema),
  credential_fields: z.array(z.string()),
});

const installationSchema = z.object({
  id: z.number(),
  connector_id: z.string(),
  connector_available: z.boolean(),
  name: z.string(),
  enabled: z.boolean(),
  settings: z.record(z.string(), z.unknown()),
  has_credentials: z.boolean(),
  webhooks: z.array(z.object({ name: z.string(), url: z.string() })),
  created_at: z.nullable(z.string()),
  updated_at: z.nullable(z.string()),
});

export type Connector = z.infer<typeof connectorSchema>;
export type Installation = z.infer<typeof installationSchema>;

const connectorsBody = z.object({ connectors: z.array(connectorSchema) });
const installationsBody = z.object({ installations: z.array(installationSchema), next_page: z.nullable(z.string()) });
const installationBody = z.object({ installation: installationSchema });

const CONNECTORS = '/api/v2/integrations/connectors';
const INSTALLATIONS = '/api/v2/integrations/installations';

export const fetchConnectors = async (signal?: AbortSignal) => (await getJson(CONNECTORS, connectorsBody, signal)).connectors;

/** Every connection of the account, following the pages (the API answers absolute links; the page stays on its origin). */
export async function fetchInstallations(signal?: AbortSignal): Promise<Installation[]> {
  const all: Installation[] = [];
  let next: string | null = `${INSTALLATIONS}?per_page=100`;
  while (next) {
    const page: z.infer<typeof installationsBody> = await getJson(next, installationsBody, signal);
    all.push(...page.installations);
    next = page.next_page ? new URL(page.next_page).pathname + new URL(page.next_page).search : null;
  }
  return all;
}

export type NewInstallation = { connector_id: string; name: string; settings: Record<string, unknown>; credentials?: unknown };
export type InstallationChange = { name?: string; enabled?: boolean; settings?: Record<string, unknown>; credentials?: unknown };

export const createInstallation = async (input: NewInstallation) =>
  (await postJson(INSTALLATIONS, { installation: input }, installationBody)).installation;

/** `credentials` are merged over the stored ones: only the secrets sent change. */
export const updateInstallation = async (id: number, change: InstallationChange) =>
  (await putJson(`${INSTALLATIONS}/${id}`, { installation: change }, installationBody)).installation;

export const deleteInstallation = async (id: number): Promise<void> => {
  await apiRequest(`${INSTALLATIONS}/${id}`, { method: 'DELETE' });
};

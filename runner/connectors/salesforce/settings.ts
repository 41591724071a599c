import { z } from 'zod';

/**
 * What an admin sets per Salesforce connection. Flat where the Connections form can draw a control
 * (strings, booleans, enums, lists of strings); value mappings, field maps and filters are JSON boxes.
 */

export const FILTER_OPERATORS = [
  'equals', 'not_equals', 'contains', 'not_contains', 'starts_with', 'ends_with', 'is_empty', 'is_not_empty', 'greater_than', 'less_than',
] as const;

export const filterCondition = z.object({
  field: z.string().min(1).describe('A Salesforce field API name, e.g. Industry or LeadSource'),
  operator: z.enum(FILTER_OPERATORS),
  value: z.string().default(''),
});
export type FilterCondition = z.infer<typeof filterCondition>;

/** Zendesk's shape: every "all" condition must hold and, when there are "any" conditions, at least one of them. */
export const filterSet = z.object({
  all: z.array(filterCondition).max(3, 'at most 3 "all" conditions').default([]),
  any: z.array(filterCondition).max(3, 'at most 3 "any" conditions').default([]),
});
export type FilterSet = z.infer<typeof filterSet>;

const valueMap = (defaults: Record<string, string>, hint: string) => z.record(z.string(), z.string()).default(defaults).describe(hint);

export const USER_MATCH_KEYS = ['email', 'name', 'phone', 'external_id'] as const;
export const ORGANIZATION_MATCH_KEYS = ['name', 'external_id'] as const;
/** deskbridge fields a Salesforce field may feed; tags, email and phone are appended, the others overwritten. */
export const USER_TARGETS = ['name', 'email', 'phone', 'tags'] as const;
export const ORGANIZATION_TARGETS = ['name', 'notes', 'tags', 'domain_names'] as const;

const userFieldMap = (defaults: Partial<Record<(typeof USER_TARGETS)[number], string>>) =>
  z.partialRecord(z.enum(USER_TARGETS), z.string().min(1)).default(defaults)
    .describe('deskbridge user field → Salesforce field, e.g. {"name":"Name","email":"Email","phone":"Phone","tags":"LeadSource"}');

const apiVersion = z.string().regex(/^v\d{2,3}\.0$/, 'must look like v60.0');
const sfId = z.string().regex(/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/, 'must be a 15 or 18 character Salesforce id');

export const settingsSchema = z.object({
  instanceUrl: z.string().url().meta({ title: 'Instance URL' }).describe('Your My Domain address, e.g. https://acme.my.salesforce.com'),
  loginUrl: z.string().url().optional().meta({ title: 'Login URL' })
    .describe('Where tokens are requested (…/services/oauth2/token). Defaults to the instance URL; https://login.salesforce.com also works for the authorization-code flow'),
  apiVersion: apiVersion.default('v60.0').meta({ title: 'API version' }),
  authFlow: z.enum(['authorization_code', 'client_credentials']).default('authorization_code').meta({ title: 'OAuth flow' })
    .describe('authorization_code: a refresh token (or a one-time code) from the connected app; client_credentials: the connected app\'s run-as user'),
  redirectUri: z.string().url().optional().meta({ title: 'Callback URL' }).describe('The connected app\'s callback URL, needed only to exchange a one-time authorization code'),
  organizationId: z.string().regex(/^00D[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/).optional().meta({ title: 'Organization id' })
    .describe('The org id (00D…): outbound messages from another org are refused, and POST /webhooks/salesforce/{this id} reaches this connection'),

  // ---- ticket → Case
  syncTickets: z.boolean().default(true).meta({ title: 'Sync tickets to Cases' }),
  caseExternalIdField: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*__c$/, 'must be a custom field API name ending in __c').default('Zendesk_Ticket_Id__c')
    .meta({ title: 'Case external id field' }).describe('An External ID custom field on Case holding the ticket id: Cases are upserted on it, so a retry never duplicates a Case'),
  statusMap: valueMap({ new: 'New', open: 'Working', pending: 'Working', hold: 'Escalated', solved: 'Closed' }, 'Ticket status → Case Status'),
  priorityMap: valueMap({ low: 'Low', normal: 'Medium', high: 'High', urgent: 'High' }, 'Ticket priority → Case Priority'),
  typeMap: valueMap({ question: 'Question', incident: 'Problem', problem: 'Problem', task: 'Feature Request' }, 'Ticket type → Case Type'),
  caseFieldDefaults: z.record(z.string(), z.string()).default({ Origin: 'Web' })
    .describe('Fixed values for other Case fields (e.g. a required custom field): {"Origin":"Web","Product__c":"Widgets"}'),
  createMissingContacts: z.boolean().default(true).meta({ title: 'Create missing Contacts' }).describe('Create a Contact when no Contact has the requester\'s email'),
  defaultContactId: sfId.optional().meta({ title: 'Default Contact id' }).describe('Used when no Contact matches and creating is off'),
  createMissingAccounts: z.boolean().default(true).meta({ title: 'Create missing Accounts' }).describe('Create an Account when no Account has the organization\'s name'),
  defaultAccountId: sfId.optional().meta({ title: 'Default Account id' }).describe('Used when no Account matches and creating is off'),

  // ---- Salesforce → deskbridge
  syncAccounts: z.boolean().default(true).meta({ title: 'Sync Accounts to organizations' }),
  syncContacts: z.boolean().default(true).meta({ title: 'Sync Contacts to users' }),
  syncLeads: z.boolean().default(true).meta({ title: 'Sync Leads to users' }),
  pollIntervalSeconds: z.number().int().min(15).max(86_400).default(300).meta({ title: 'Poll every (seconds)' }),
  accountMatchKey: z.enum(ORGANIZATION_MATCH_KEYS).default('name').meta({ title: 'Match Accounts by' }),
  contactMatchKey: z.enum(USER_MATCH_KEYS).default('email').meta({ title: 'Match Contacts by' }),
  leadMatchKey: z.enum(USER_MATCH_KEYS).default('email').meta({ title: 'Match Leads by' }),
  accountFieldMap: z.partialRecord(z.enum(ORGANIZATION_TARGETS), z.string().min(1)).default({ name: 'Name', notes: 'Description', tags: 'Industry', domain_names: 'Website' })
    .describe('deskbridge organization field → Salesforce Account field'),
  contactFieldMap: userFieldMap({ name: 'Name', email: 'Email', phone: 'Phone' }),
  leadFieldMap: userFieldMap({ name: 'Name', email: 'Email', phone: 'Phone', tags: 'LeadSource' }),
  accountFilters: filterSet.default({ all: [], any: [] }),
  contactFilters: filterSet.default({ all: [], any: [] }),
  leadFilters: filterSet.default({ all: [], any: [] }),
  writeExternalId: z.boolean().default(false).meta({ title: 'Write the Salesforce id to external_id' }),
});
export type Settings = z.infer<typeof settingsSchema>;

/**
 * Secrets. With the authorization-code flow give a refresh token, or a one-time `authorizationCode`
 * that the first run exchanges (and replaces by the refresh token it gets). The access token is
 * written back by the connector each time it is refreshed.
 */
export const credentialsSchema = z.object({
  clientId: z.string().min(1).describe('Consumer key of the connected app'),
  clientSecret: z.string().min(1).describe('Consumer secret of the connected app'),
  refreshToken: z.string().min(1).optional(),
  authorizationCode: z.string().min(1).optional(),
  accessToken: z.string().min(1).optional(),
  /** Optional shared secret the inbound webhook must carry (`?token=` or `X-Deskbridge-Token`). */
  webhookToken: z.string().min(8).optional(),
});
export type Credentials = z.infer<typeof credentialsSchema>;

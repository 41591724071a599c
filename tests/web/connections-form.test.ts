import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildPayload, fieldsOf, humanize, initialValues, placeErrors } from '../../apps/admin/pages/connections/schema-form.ts';
import { toJsonSchema } from '../../runner/engine/catalog.ts';

// The Connections form drawn from the JSON Schema the API sends for a connector's zod schemas.
const settings = toJsonSchema(z.object({
  baseUrl: z.url().describe('Your CRM address'),
  region: z.enum(['eu', 'us']).default('eu'),
  syncClosed: z.boolean().default(false),
  batchSize: z.number().int().min(1).max(100).optional(),
  ratio: z.number().nullable().optional(),
  tags: z.array(z.string()).default([]),
  events: z.array(z.enum(['created', 'solved'])).default(['created']),
  mapping: z.record(z.string(), z.string()).optional(),
  apiVersion: z.string().meta({ title: 'Salesforce API version' }).optional(),
}));
const credentials = toJsonSchema(z.object({ apiKey: z.string().min(8), refreshToken: z.string().optional() }));
const fields = [...fieldsOf(settings, 'settings'), ...fieldsOf(credentials, 'credentials')];
const byId = Object.fromEntries(fields.map((f) => [f.id, f]));

describe('the fields of a connector form', () => {
  it('gives each property a control, a label and whether it is required', () => {
    expect(fields.map((f) => [f.id, f.kind, f.label, f.required])).toEqual([
      ['settings.baseUrl', 'url', 'Base URL', true],
      ['settings.region', 'enum', 'Region', false],
      ['settings.syncClosed', 'boolean', 'Sync closed', false],
      ['settings.batchSize', 'integer', 'Batch size', false],
      ['settings.ratio', 'number', 'Ratio', false],
      ['settings.tags', 'lines', 'Tags', false],
      ['settings.events', 'multi', 'Events', false],
      ['settings.mapping', 'json', 'Mapping', false],
      ['settings.apiVersion', 'text', 'Salesforce API version', false],
      ['credentials.apiKey', 'secret', 'API key', true],
      ['credentials.refreshToken', 'secret', 'Refresh token', false],
    ]);
    expect(byId['settings.baseUrl']!.hint).toBe('Your CRM address');
    expect(byId['settings.batchSize']).toMatchObject({ min: 1, max: 100 });
    expect(humanize('oauth_client_id')).toBe('OAUTH client ID');
    expect(fieldsOf(toJsonSchema(z.object({})), 'settings')).toEqual([]);
    expect(fieldsOf(null, 'credentials')).toEqual([]);
    expect(fieldsOf(toJsonSchema(z.record(z.string(), z.number())), 'settings').map((f) => [f.id, f.kind])).toEqual([['settings', 'json']]);
  });

  it('starts from the defaults, or from the stored settings when editing; secrets always blank', () => {
    expect(initialValues(fields, undefined)).toMatchObject({
      'settings.baseUrl': '', 'settings.region': '0', 'settings.syncClosed': false, 'settings.tags': '', 'settings.events': ['0'], 'credentials.apiKey': '',
    });
    const stored = { baseUrl: 'https://x.test', region: 'us', batchSize: 5, tags: ['a', 'b'], events: ['solved'], mapping: { a: 'b' } };
    expect(initialValues(fields, stored)).toMatchObject({
      'settings.baseUrl': 'https://x.test', 'settings.region': '1', 'settings.batchSize': '5', 'settings.tags': 'a\nb',
      'settings.events': ['1'], 'settings.mapping': '{\n  "a": "b"\n}',
    });
  });
});

describe('the request built from the form', () => {
  const filled = { ...initialValues(fields, undefined), 'settings.baseUrl': ' https://x.test ', 'settings.batchSize': '7', 'settings.tags': 'vip\n\n enterprise \n', 'credentials.apiKey': 'k-12345678' };

  it('sends typed values, leaves blank optional fields out and sends only the secrets typed', () => {
    expect(buildPayload(fields, filled, false)).toEqual({
      settings: { baseUrl: 'https://x.test', region: 'eu', syncClosed: false, batchSize: 7, tags: ['vip', 'enterprise'], events: ['created'] },
      credentials: { apiKey: 'k-12345678' },
      errors: {},
    });
  });

  it('says what is wrong before sending', () => {
    const { errors } = buildPayload(fields, { ...filled, 'settings.baseUrl': '', 'settings.batchSize': '2.5', 'settings.mapping': '{', 'credentials.apiKey': '' }, false);
    expect(errors).toEqual({
      'settings.baseUrl': 'Enter a value.', 'settings.batchSize': 'Enter a whole number.', 'settings.mapping': 'Enter valid JSON.', 'credentials.apiKey': 'Enter a value.',
    });
  });

  it('keeps stored secrets when their fields are left blank', () => {
    const blank = { ...filled, 'credentials.apiKey': '' };
    expect(buildPayload(fields, blank, true)).toMatchObject({ credentials: undefined, errors: {} });
    expect(buildPayload(fields, { ...blank, 'credentials.refreshToken': 'rt-1' }, true).credentials).toEqual({ refreshToken: 'rt-1' });
  });

  it("puts the API's problems on their fields and keeps the others for the form", () => {
    expect(placeErrors(['name', 'settings.tags', 'settings.baseUrl'], {
      'settings.tags.1': ['Too long'], 'settings.baseUrl': ['Invalid URL'], connector_id: ['is gone'],
    })).toEqual({ 'settings.tags': 'Too long', 'settings.baseUrl': 'Invalid URL', '': 'connector_id: is gone' });
  });
});

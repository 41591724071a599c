import { z } from 'zod';
import { ACTION_INPUT_TYPES, type ActionInput, type ActionInputType } from '../../db/schema/index.ts';
import type { FieldErrors } from '../core/errors.ts';
import { zVariableName } from '../bots/request.ts';

/**
 * Inputs of an action or a flow, declared as a simple typed list (the shape auto assist's custom
 * actions use): `[{"name": "order_id", "type": "string", "required": true, "description": "…"}]`.
 */
export const zActionInputs = z.array(z.object({
  name: zVariableName,
  type: z.enum(ACTION_INPUT_TYPES, `must be one of ${ACTION_INPUT_TYPES.join(', ')}`),
  required: z.boolean('must be true or false').default(false),
  description: z.string().max(1000, 'must be at most 1000 characters').optional(),
  enum: z.array(z.union([z.string(), z.number()])).min(1, 'must list at least one value').max(100).optional(),
}), 'must be a list of {"name", "type", "required"}')
  .max(50, 'may hold at most 50 inputs')
  .refine((list) => new Set(list.map((i) => i.name)).size === list.length, 'names must be unique');

const CHECKS: Record<ActionInputType, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  integer: (v) => Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  array: (v) => Array.isArray(v),
};
const ARTICLE: Record<ActionInputType, string> = { string: 'a string', number: 'a number', integer: 'a whole number', boolean: 'true or false', object: 'an object', array: 'a list' };

/**
 * Problems of the given values against the declared inputs, keyed `inputs.<name>` (or `<prefix>.<name>`):
 * a required one missing, a value of the wrong type or outside its enum, a name that is not declared.
 */
export function checkInputs(declared: ActionInput[], given: Record<string, unknown>, prefix = 'inputs'): FieldErrors {
  const errors: FieldErrors = {};
  const add = (name: string, description: string) => (errors[`${prefix}.${name}`] ??= []).push({ description });
  for (const input of declared) {
    const value = given[input.name];
    if (value === undefined || value === null) {
      if (input.required) add(input.name, `is required${input.description ? ` (${input.description})` : ''}`);
      continue;
    }
    if (!CHECKS[input.type](value)) add(input.name, `must be ${ARTICLE[input.type]}`);
    else if (input.enum && !input.enum.includes(value as string | number)) add(input.name, `must be one of ${input.enum.join(', ')}`);
  }
  const names = new Set(declared.map((i) => i.name));
  for (const name of Object.keys(given)) if (!names.has(name)) add(name, `is not an input (declared: ${[...names].join(', ') || 'none'})`);
  return errors;
}

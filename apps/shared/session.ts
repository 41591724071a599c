import { z } from 'zod/mini';
import { USER_ROLES } from '../../db/schema/enums.ts';
import { apiRequest, getJson, postJson } from './api.ts';

const sessionUser = z.object({
  id: z.number(),
  name: z.string(),
  email: z.string(),
  role: z.enum(USER_ROLES),
  account_owner: z.boolean(),
});

const sessionBody = z.object({
  account: z.object({ subdomain: z.string(), name: z.string(), time_zone: z.string() }),
  user: z.nullable(sessionUser),
});

const loginBody = z.object({ user: sessionUser });

export type SessionUser = z.infer<typeof sessionUser>;
export type Session = z.infer<typeof sessionBody>;

/** The account this address serves and who is signed in (`user: null` when nobody is). */
export const fetchSession = (signal?: AbortSignal): Promise<Session> => getJson('/auth/session', sessionBody, signal);

/** Sets the session cookie; throws ApiError 401 (wrong credentials), 422 (missing field) or 429 (too many tries). */
export const signIn = async (email: string, password: string): Promise<SessionUser> =>
  (await postJson('/auth/login', { email, password }, loginBody)).user;

export const signOut = async (): Promise<void> => {
  await apiRequest('/auth/logout', { method: 'POST' });
};

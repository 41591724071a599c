import type { UserRole } from '../../db/schema/index.ts';
import type { Clock } from './clock.ts';
import { forbidden } from './errors.ts';

/** Who is acting. Domain functions check permissions themselves, so the API and the seeder agree. */
export type Actor = { id: number; accountId: number; role: UserRole; isOwner: boolean; email: string; name: string };

export type Ctx = { accountId: number; actor: Actor; clock: Clock };

const rank: Record<UserRole, number> = { 'end-user': 0, agent: 1, admin: 2 };

export const hasRole = (actor: Pick<Actor, 'role'>, min: UserRole) => rank[actor.role] >= rank[min];

export function requireActorRole(actor: Actor, min: UserRole, message?: string): void {
  if (!hasRole(actor, min)) throw forbidden(message ?? `This action needs the ${min} role`);
}

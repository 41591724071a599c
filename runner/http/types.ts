import type { Account } from '../../db/schema/index.ts';
import type { Database } from '../../db/client.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../core/clock.ts';
import type { Actor } from '../core/context.ts';

export type Deps = { database: Database; config: Config; clock: Clock };

export type AppEnv = {
  Variables: {
    account: Account;
    actor: Actor | null;
    /** Absolute origin of this request, for Zendesk's `url` fields and `links`. */
    base: string;
  };
};

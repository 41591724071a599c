import type { Account } from '../../db/schema/index.ts';
import type { Database } from '../../db/client.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../core/clock.ts';
import type { Actor } from '../core/context.ts';
import type { Engine } from '../engine/engine.ts';

/** `engine` is absent in a process that serves HTTP without the runner (and in most HTTP tests). */
export type Deps = { database: Database; config: Config; clock: Clock; engine?: Engine | undefined };

export type AppEnv = {
  Variables: {
    account: Account;
    actor: Actor | null;
    /** Absolute origin of this request, for Zendesk's `url` fields and `links`. */
    base: string;
  };
};

import { defineConfig } from 'drizzle-kit';

// Migrations are generated from db/schema with `npm run db:generate` and applied at start-up
// by db/migrate.ts. Never edit a migration after it has landed: add a new one.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
});

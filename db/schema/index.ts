export * from './enums.ts';
export * from './accounts.ts';
export * from './users.ts';
export * from './organizations.ts';
export * from './tickets.ts';
export * from './schedules.ts';
export * from './metrics.ts';
export * from './runner.ts';

/** Injected wherever time matters, so tests can move it (STYLE habit 3). */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests (and the demo seeder) set by hand. */
export function manualClock(start: Date | string = '2026-01-05T09:00:00Z') {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set(d: Date | string) { t = new Date(d).getTime(); },
    advance(ms: number) { t += ms; },
    advanceMinutes(m: number) { t += m * 60_000; },
  };
}
export type ManualClock = ReturnType<typeof manualClock>;

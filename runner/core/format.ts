/** Zendesk writes times as ISO-8601 UTC without milliseconds: 2026-01-05T09:00:00Z. */
export function iso(d: Date | null | undefined): string | null {
  if (!d) return null;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const epochSeconds = (d: Date) => Math.floor(d.getTime() / 1000);

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

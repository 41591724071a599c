import { z } from 'zod/mini';
import { TICKET_STATUSES } from '../../db/schema/enums.ts';
import { getJson, putJson } from '../shared/api.ts';

const ticket = z.object({
  id: z.number(),
  subject: z.string(),
  status: z.enum(TICKET_STATUSES),
  requester_id: z.number(),
  assignee_id: z.nullable(z.number()),
  tags: z.array(z.string()),
  updated_at: z.string(),
});
const comment = z.object({ id: z.number(), author_id: z.number(), body: z.string(), public: z.boolean(), created_at: z.string() });
const user = z.object({ id: z.number(), name: z.string(), email: z.string(), role: z.string(), iana_time_zone: z.nullable(z.string()) });

export type Ticket = z.infer<typeof ticket>;
export type Comment = z.infer<typeof comment>;
export type User = z.infer<typeof user>;
export { TICKET_STATUSES };

export const listTickets = (signal?: AbortSignal) =>
  getJson('/api/v2/tickets?per_page=100&sort_order=desc', z.object({ tickets: z.array(ticket) }), signal);
export const getTicket = (id: number, signal?: AbortSignal) => getJson(`/api/v2/tickets/${id}`, z.object({ ticket }), signal);
export const listComments = (id: number, signal?: AbortSignal) =>
  getJson(`/api/v2/tickets/${id}/comments?per_page=100`, z.object({ comments: z.array(comment) }), signal);
export const getUser = (id: number | 'me', signal?: AbortSignal) => getJson(`/api/v2/users/${id}`, z.object({ user }), signal);

export type TicketChange = { status: Ticket['status']; comment?: { body: string; public: boolean } };
export const updateTicket = (id: number, change: TicketChange) => putJson(`/api/v2/tickets/${id}`, { ticket: change }, z.object({ ticket }));

import { useEffect, useRef, useState } from 'react';
import styled from 'styled-components';
import type { Agent } from './AgentApp.tsx';
import type { Ticket, User } from './api.ts';
import { createZafHost, frameSource } from './zaf-host.ts';

const Frame = styled.iframe`
  width: 100%;
  border: 0;
  display: block;
`;

/** What Zendesk's `client.get` gives for a user. */
const zafUser = (u: User, timeZone: string) => ({ id: u.id, name: u.name, email: u.email, role: u.role, timeZone: { ianaName: timeZone } });

export type SidebarHandle = { ticketUpdated: (ticket: Ticket) => void };

/**
 * The ticket_sidebar app (/zaf/assets/iframe.html, the bundle Zendesk runs) hosted through the ZAF
 * shim: it reads the ticket, requester and agent from here, and resizes the frame to its content.
 */
export function SidebarFrame({ agent, ticket, requester, onReady }: { agent: Agent; ticket: Ticket; requester: User | null; onReady: (h: SidebarHandle) => void }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState('120px');
  const [appGuid] = useState(() => crypto.randomUUID());
  // The shim reads the latest values each time the app asks.
  const current = useRef({ ticket, requester });
  current.current = { ticket, requester };

  useEffect(() => {
    if (!frame.current) return;
    const host = createZafHost({
      frame: frame.current,
      appGuid,
      context: { product: 'support', location: 'ticket_sidebar', instanceGuid: appGuid, ticketId: ticket.id, account: { subdomain: agent.session.account.subdomain } },
      // deskbridge_url: this origin, so the app's links and calls stay here; the session is the credential.
      metadata: { appId: 0, installationId: 0, name: 'Deskbridge', settings: { deskbridge_url: window.location.origin, title: 'Deskbridge' } },
      values: () => {
        const { ticket: t, requester: r } = current.current;
        return {
          'ticket.id': t.id,
          'ticket.subject': t.subject,
          'ticket.status': t.status,
          'ticket.tags': t.tags,
          'ticket.requester': r ? zafUser(r, agent.timeZone) : { id: t.requester_id },
          currentUser: zafUser(agent.me, agent.timeZone),
          'currentAccount.subdomain': agent.session.account.subdomain,
        };
      },
      onResize: (size) => { if (size.height) setHeight(size.height); },
    });
    onReady({ ticketUpdated: (t) => host.trigger('ticket.updated', { id: t.id, status: t.status, updatedAt: t.updated_at }) });
    return () => host.dispose();
    // The frame is made once per ticket page (TicketPage is keyed by the ticket id).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return <Frame ref={frame} title="Deskbridge" src={frameSource(appGuid)} style={{ height }} data-testid="sidebar-frame" />;
}

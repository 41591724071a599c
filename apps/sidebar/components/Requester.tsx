import { useEffect, useState } from 'react';
import styled from 'styled-components';
import { SM, Span } from '@zendeskgarden/react-typography';
import { fetchEvents, fetchProfiles, type CustomerEvent, type Profile } from '../api.ts';
import { formatWhen } from '../format.ts';
import { t } from '../i18n.ts';
import type { Zaf } from '../zaf.tsx';
import { Section } from './Section.tsx';

const RECENT_ORDERS = 5;
const List = styled.ul`
  margin: 0;
  padding-left: ${(p) => p.theme.space.md};
`;

type Loaded = { profile: Profile | null; orders: CustomerEvent[] };

const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

/** An order event's one line: its description, else its name/number and total. */
function orderLine(e: CustomerEvent): string {
  if (e.description) return e.description;
  const p = e.properties ?? {};
  return [text(p.name) ?? text(p.order_number) ?? e.type, text(p.total_price), text(p.currency)].filter(Boolean).join(' ');
}

/** The requester's Shopify profile and recent orders, from the host's profiles and events APIs; empty when there are none. */
export function Requester({ zaf, requesterId, timeZone }: { zaf: Zaf; requesterId: number; timeZone: string }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  useEffect(() => {
    let live = true;
    void Promise.all([fetchProfiles(zaf, requesterId), fetchEvents(zaf, requesterId)]).then(([profiles, events]) => {
      if (!live) return;
      const orders = (events ?? []).filter((e) => e.source === 'shopify' && /order/i.test(e.type));
      orders.sort((a, b) => b.created_at.localeCompare(a.created_at));
      setLoaded({ profile: profiles?.find((p) => p.source === 'shopify') ?? null, orders: orders.slice(0, RECENT_ORDERS) });
    });
    return () => { live = false; };
  }, [zaf, requesterId]);

  if (!loaded) return null;
  const { profile, orders } = loaded;
  const attrs = profile?.attributes ?? {};
  return (
    <Section title={t('requester.title')}>
      {!profile ? <SM>{t('requester.empty')}</SM> : (
        <div data-profile-id={profile.id}>
          <SM isBold>{profile.name ?? profile.identifiers?.[0]?.value}</SM>
          {text(attrs.orders_count) && <SM>{t('requester.ordersCount', { count: Number(attrs.orders_count) })}</SM>}
          {text(attrs.total_spent) && <SM>{t('requester.totalSpent', { amount: `${text(attrs.total_spent)} ${text(attrs.currency) ?? ''}`.trim() })}</SM>}
        </div>
      )}
      {profile && (orders.length === 0 ? <SM>{t('requester.noOrders')}</SM> : (
        <>
          <SM isBold>{t('requester.orders')}</SM>
          <List>
            {orders.map((o) => (
              <li key={o.id}><SM>{orderLine(o)} · <Span hue="grey">{formatWhen(o.created_at, timeZone)}</Span></SM></li>
            ))}
          </List>
        </>
      ))}
    </Section>
  );
}

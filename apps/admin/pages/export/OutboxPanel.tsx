import { useId, useState } from 'react';
import styled from 'styled-components';
import { Button } from '@zendeskgarden/react-buttons';
import { Alert } from '@zendeskgarden/react-notifications';
import { Tag } from '@zendeskgarden/react-tags';
import { getColor } from '@zendeskgarden/react-theming';
import { MD } from '@zendeskgarden/react-typography';
import { t } from '../../../shared/i18n/t.ts';
import type { OutboxEmail } from './exportApi.ts';
import { formatDateTime } from './format.ts';
import { GroupHeading, Subtle, TitleLine } from './parts.tsx';
import type { Outbox } from './useExportData.ts';

const List = styled.ul`
  margin: 0;
  padding: 0;
  list-style: none;
`;

const Item = styled.li`
  padding: ${(p) => p.theme.space.sm} 0;
  border-bottom: ${(p) => p.theme.borders.sm} ${(p) => getColor({ theme: p.theme, variable: 'border.subtle' })};
`;

const Body = styled.pre`
  margin: ${(p) => p.theme.space.sm} 0 0;
  padding: ${(p) => p.theme.space.sm};
  border-radius: ${(p) => p.theme.borderRadii.md};
  background-color: ${(p) => getColor({ theme: p.theme, variable: 'background.subtle' })};
  font-family: ${(p) => p.theme.fonts.system};
  font-size: ${(p) => p.theme.fontSizes.md};
  white-space: pre-wrap;
  overflow-wrap: anywhere;
`;

const Intro = styled.div`
  margin-bottom: ${(p) => p.theme.space.md};
`;

const STATUS: Record<OutboxEmail['status'], { label: 'export.outbox.sent' | 'export.outbox.notSent' | 'export.outbox.failed'; hue: string }> = {
  sent: { label: 'export.outbox.sent', hue: 'green' },
  unsent: { label: 'export.outbox.notSent', hue: 'yellow' },
  failed: { label: 'export.outbox.failed', hue: 'red' },
};

/**
 * The account's outgoing mail (GET /api/v2/email_outbox). Without SMTP_URL the "your export is
 * ready" emails are never sent; here they still reach the admin, link included.
 */
export function OutboxPanel({ outbox }: { outbox: Outbox }) {
  return (
    <section aria-labelledby="export-outbox-heading" aria-busy={outbox.status === 'loading'}>
      <GroupHeading id="export-outbox-heading">{t('export.outbox.heading')}</GroupHeading>
      {outbox.status === 'failed' && (
        <Alert type="error">
          <Alert.Title>{t('export.outbox.loadFailed')}</Alert.Title>
          {outbox.message}
        </Alert>
      )}
      {outbox.status === 'ready' && outbox.emails.length === 0 && <Subtle>{t('export.outbox.empty')}</Subtle>}
      {outbox.status === 'ready' && outbox.emails.length > 0 && (
        <>
          <Intro>
            {outbox.emails.some((m) => m.status === 'unsent')
              ? <Alert type="warning" role="note">{t('export.outbox.unsent')}</Alert>
              : <Subtle>{t('export.outbox.intro')}</Subtle>}
          </Intro>
          <List>
            {outbox.emails.map((m) => <Email key={m.id} email={m} />)}
          </List>
        </>
      )}
    </section>
  );
}

function Email({ email }: { email: OutboxEmail }) {
  const [open, setOpen] = useState(false);
  const bodyId = useId();
  const status = STATUS[email.status];
  return (
    <Item>
      <TitleLine>
        <MD isBold>{email.subject}</MD>
        <Tag hue={status.hue}>{t(status.label)}</Tag>
      </TitleLine>
      <Subtle>{t('export.outbox.meta', { to: email.to, time: formatDateTime(email.created_at) })}</Subtle>
      {email.error && <Subtle>{email.error}</Subtle>}
      <Button isLink aria-expanded={open} aria-controls={bodyId} onClick={() => setOpen((o) => !o)}>
        {open ? t('export.outbox.hide') : t('export.outbox.show')}
      </Button>
      <Body id={bodyId} hidden={!open}>{email.text}</Body>
    </Item>
  );
}

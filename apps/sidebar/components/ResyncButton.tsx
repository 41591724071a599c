import { useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { SM, Span } from '@zendeskgarden/react-typography';
import { requestResync, RequestFailed } from '../api.ts';
import { t } from '../i18n.ts';
import type { Zaf } from '../zaf.tsx';

type State = { status: 'idle' } | { status: 'pending' } | { status: 'done'; count: number } | { status: 'failed'; message: string };

/** Admins only: queues the Salesforce connector's resync_ticket job; the log rows it writes appear in the timeline. */
export function ResyncButton({ zaf, ticketId, onQueued }: { zaf: Zaf; ticketId: number; onQueued: () => void }) {
  const [state, setState] = useState<State>({ status: 'idle' });
  const run = async () => {
    setState({ status: 'pending' });
    try {
      const { resync } = await requestResync(zaf, ticketId);
      setState({ status: 'done', count: resync.length });
      onQueued();
    } catch (err) {
      setState({ status: 'failed', message: err instanceof RequestFailed && err.message ? err.message : t('resync.failed') });
    }
  };
  return (
    <div>
      <Button size="small" isStretched disabled={state.status === 'pending'} onClick={() => void run()}>
        {state.status === 'pending' ? t('resync.pending') : t('resync.button')}
      </Button>
      {state.status === 'done' && <SM role="status">{t('resync.done', { count: state.count })}</SM>}
      {state.status === 'failed' && <SM role="alert"><Span hue="red">{state.message}</Span></SM>}
    </div>
  );
}

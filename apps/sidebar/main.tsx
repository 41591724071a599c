import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import ZAFClient from 'zendesk_app_framework_sdk';
import { GardenProvider } from '../shared/theme.tsx';
import { SidebarApp } from './components/SidebarApp.tsx';
import { whenRegistered, ZafProvider } from './zaf.tsx';

const root = document.getElementById('root');
if (!root) throw new Error('iframe.html has no #root element');
// Outside a ZAF host (no origin / app_guid in the address) init() returns false: there is nothing to show.
const client = ZAFClient.init();
if (client) {
  const registered = whenRegistered(client);
  createRoot(root).render(
    <StrictMode>
      <GardenProvider>
        <ZafProvider client={client} registered={registered}>
          <SidebarApp />
        </ZafProvider>
      </GardenProvider>
    </StrictMode>,
  );
}

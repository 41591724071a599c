import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GardenProvider } from '../shared/theme.tsx';
import { AgentApp } from './AgentApp.tsx';

const root = document.getElementById('root');
if (!root) throw new Error('apps/agent/index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <GardenProvider>
      <AgentApp />
    </GardenProvider>
  </StrictMode>,
);

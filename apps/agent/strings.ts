import { translator } from '../shared/i18n/dict.ts';

/** The agent view's strings (English). */
const en = {
  title: 'Agent view – Deskbridge',
  heading: 'Tickets',
  loading: 'Loading…',
  failed: 'Could not load this page',
  retry: 'Try again',
  signIn: { heading: 'Sign in to the agent view', email: 'Email', password: 'Password', submit: 'Sign in', failed: 'Could not sign in' },
  signOut: 'Sign out',
  signedInAs: 'Signed in as {{name}}',
  agentsOnly: 'The agent view is for agents and admins.',
  list: { subject: 'Subject', status: 'Status', requester: 'Requester', updated: 'Updated', empty: 'No tickets yet.', id: '#{{id}}' },
  ticket: {
    back: 'All tickets',
    heading: '#{{id}} {{subject}}',
    conversation: 'Conversation',
    properties: 'Properties',
    status: 'Status',
    reply: 'Reply',
    internal: 'Internal note',
    submit: 'Submit as {{status}}',
    saving: 'Saving…',
    saved: 'Ticket updated',
    saveFailed: 'Could not update the ticket',
    apps: 'Apps',
    author: 'User #{{id}}',
    requester: 'Requester',
    tags: 'Tags',
    notFound: 'This ticket does not exist.',
  },
  status: { new: 'New', open: 'Open', pending: 'Pending', hold: 'On-hold', solved: 'Solved', closed: 'Closed' },
} as const;

export const t = translator(en, 'en');

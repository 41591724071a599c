/** English strings. Keys are stable ids; `{{name}}` marks a value filled in by t(). */
export const en = {
  'app.name': 'Deskbridge',
  'app.title': '{{page}} – Deskbridge',

  'errors.network': 'Could not reach the Deskbridge server. Check your connection and try again.',
  'errors.status': 'The server answered with an unexpected error (HTTP {{status}}).',
  'errors.shape': 'The server sent a response this page does not understand.',
  'errors.unexpected': 'Something went wrong on this page. Reload it and try again.',
  'errors.retry': 'Try again',

  'login.title': 'Sign in',
  'login.heading': 'Sign in to {{account}}',
  'login.headingPlain': 'Sign in to Deskbridge',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.failed': 'Could not sign in',
  'login.fieldProblem': '{{field}} {{problem}}',

  'session.loading': 'Loading the Admin Center…',
  'session.failed': 'Could not load the Admin Center',

  'shell.title': 'Admin Center',
  'shell.skipNav': 'Skip to main content',
  'shell.navLabel': 'Admin Center sections',
  'shell.signOut': 'Sign out',
  'shell.signingOut': 'Signing out…',
  'shell.signOutFailed': 'Could not sign out',
  'shell.signedInAs': 'Signed in as {{name}}',

  'nav.home': 'Home',
  'nav.account': 'Account',
  'nav.tools': 'Tools',
  'nav.reports': 'Reports',
  'nav.export': 'Export',
  'nav.appsIntegrations': 'Apps and integrations',
  'nav.integrations': 'Integrations',
  'nav.logs': 'Logs',
  'nav.connections': 'Connections',
  'nav.separator': ' › ',

  'feature.export': 'data export',
  'feature.integrationLogs': 'the integration log',
  'feature.connections': 'integration connections',
  'section.arrives': 'This page arrives with {{feature}}.',
  'section.nothingYet': 'Nothing here is set up yet, so there is nothing to show.',

  'home.title': 'Home',
  'home.account': '{{subdomain}} · time zone {{timeZone}}',
  'home.you': 'Signed in as',
  'home.owner': 'Account owner',
  'home.tickets': 'Tickets',
  'home.ticketCount.one': 'ticket in this account',
  'home.ticketCount.other': 'tickets in this account',
  'home.counting': 'Counting tickets…',

  'role.admin': 'Admin',
  'role.agent': 'Agent',
  'role.end-user': 'End user',

  'notFound.title': 'Page not found',
  'notFound.body': 'There is no Admin Center page at {{path}}.',
  'notFound.home': 'Go to the Admin Center home page',

  'agentsOnly.title': 'The Admin Center is for agents and admins',
  'agentsOnly.body': 'You are signed in as {{name}} ({{email}}), an end user. Ask an admin of {{account}} if you need access.',
} as const;

export type StringKey = keyof typeof en;

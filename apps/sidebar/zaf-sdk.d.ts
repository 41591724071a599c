// zendesk_app_framework_sdk ships no types: ZAFClient.init() returns a client, or false outside a ZAF host.
declare module 'zendesk_app_framework_sdk' {
  const ZAFClient: { init(callback?: (context: unknown) => void): import('./zaf.tsx').ZafClient | false };
  export default ZAFClient;
}

import en from '../../translations/en.json';
import { translator } from '../shared/i18n/dict.ts';

/** The sidebar's strings: translations/en.json, the file Zendesk's app package carries. */
export const t = translator(en, 'en');
export type SidebarKey = Parameters<typeof t>[0];

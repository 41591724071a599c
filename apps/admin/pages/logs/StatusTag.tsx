import { Tag } from '@zendeskgarden/react-tags';
import { t } from '../../../shared/i18n/t.ts';
import type { LogStatus } from './filters.ts';

/** Garden's semantic hues, so the colors follow the theme (light or dark). */
const HUE: Record<LogStatus, string> = {
  info: 'primaryHue',
  warning: 'warningHue',
  error: 'dangerHue',
  debug: 'neutralHue',
};

export const statusLabel = (status: LogStatus): string => t(`logs.status.${status}`);

/** A row's status as a colored tag; the word is always there, so color is never the only cue. */
export function StatusTag({ status }: { status: LogStatus }) {
  return <Tag hue={HUE[status]} isPill data-status={status}>{statusLabel(status)}</Tag>;
}

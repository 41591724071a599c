import { Well } from '@zendeskgarden/react-notifications';
import { t } from '../../shared/i18n/t.ts';
import type { Section } from '../sections.ts';
import { PageHeading } from './PageHeading.tsx';

/** A page whose feature has not landed yet: says so plainly instead of showing sample data. */
export function SectionPage({ section }: { section: Section }) {
  return (
    <>
      <PageHeading above={section.trail.map((k) => t(k)).join(t('nav.separator'))}>{t(section.label)}</PageHeading>
      <Well isRecessed>
        <Well.Title>{t('section.arrives', { feature: t(section.feature) })}</Well.Title>
        <Well.Paragraph>{t('section.nothingYet')}</Well.Paragraph>
      </Well>
    </>
  );
}

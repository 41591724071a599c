import { Paragraph } from '@zendeskgarden/react-typography';
import { t } from '../../shared/i18n/t.ts';
import { Link } from '../router.tsx';
import { HOME_PATH } from '../sections.ts';
import { PageHeading } from './PageHeading.tsx';

export function NotFoundPage({ pathname }: { pathname: string }) {
  return (
    <>
      <PageHeading>{t('notFound.title')}</PageHeading>
      <Paragraph>{t('notFound.body', { path: pathname })}</Paragraph>
      <Paragraph>
        <Link to={HOME_PATH}>{t('notFound.home')}</Link>
      </Paragraph>
    </>
  );
}

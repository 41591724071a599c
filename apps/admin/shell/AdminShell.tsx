import { useEffect, type ReactNode } from 'react';
import styled from 'styled-components';
import { Body, Chrome, Content, Header, Main, Nav, SkipNav } from '@zendeskgarden/react-chrome';
import { Alert } from '@zendeskgarden/react-notifications';
import { t } from '../../shared/i18n/t.ts';
import { HomeIcon, Logo, SignOutIcon } from '../components/icons.tsx';
import { navigate } from '../router.tsx';
import { HOME_PATH, SECTIONS, normalizePath } from '../sections.ts';
import { useSession, useSignOut } from '../session.tsx';

const Trail = styled.span`
  display: block;
  font-size: ${(p) => p.theme.fontSizes.sm};
  opacity: 0.75;
`;

const Page = styled.div`
  box-sizing: border-box;
  max-width: ${(p) => p.theme.space.base * 240}px;
  padding: ${(p) => p.theme.space.xl};
`;

const Problem = styled(Alert)`
  margin-bottom: ${(p) => p.theme.space.lg};
`;

/** Garden's product chrome: the section nav on the left, a header with Sign out, the page. */
export function AdminShell({ pathname, title, children }: { pathname: string; title: string; children: ReactNode }) {
  const { user } = useSession();
  const { signOut, pending: signingOut, problem } = useSignOut();
  const current = normalizePath(pathname);

  useEffect(() => {
    document.title = t('app.title', { page: `${title} · ${t('shell.title')}` });
  }, [title]);

  return (
    <Chrome>
      <SkipNav targetId="main-content">{t('shell.skipNav')}</SkipNav>
      <Nav isExpanded aria-label={t('shell.navLabel')}>
        <Nav.Item hasLogo product="support" title={t('app.name')}>
          <Nav.ItemIcon><Logo /></Nav.ItemIcon>
          <Nav.ItemText>{t('app.name')}</Nav.ItemText>
        </Nav.Item>
        <Nav.List>
          <Nav.Item isCurrent={current === HOME_PATH} onClick={() => navigate(HOME_PATH)}>
            <Nav.ItemIcon><HomeIcon /></Nav.ItemIcon>
            <Nav.ItemText>{t('nav.home')}</Nav.ItemText>
          </Nav.Item>
          {SECTIONS.map((s) => (
            <Nav.Item key={s.path} isCurrent={current === s.path} onClick={() => navigate(s.path)}>
              <Nav.ItemIcon><s.Icon /></Nav.ItemIcon>
              <Nav.ItemText isWrapped>
                <Trail>{s.trail.map((k) => t(k)).join(t('nav.separator'))}</Trail>
                {t(s.label)}
              </Nav.ItemText>
            </Nav.Item>
          ))}
        </Nav.List>
      </Nav>
      <Body>
        <Header>
          <Header.ItemWrapper maxX>
            <Header.ItemText>{t('shell.title')}</Header.ItemText>
          </Header.ItemWrapper>
          <Header.ItemWrapper>
            <Header.ItemText>{t('shell.signedInAs', { name: user.name })}</Header.ItemText>
          </Header.ItemWrapper>
          <Header.Item onClick={signOut} disabled={signingOut}>
            <Header.ItemIcon><SignOutIcon /></Header.ItemIcon>
            <Header.ItemText>{signingOut ? t('shell.signingOut') : t('shell.signOut')}</Header.ItemText>
          </Header.Item>
        </Header>
        <Content id="main-content">
          <Main>
            <Page>
              {problem && (
                <Problem type="error">
                  <Alert.Title>{t('shell.signOutFailed')}</Alert.Title>
                  {problem}
                </Problem>
              )}
              {children}
            </Page>
          </Main>
        </Content>
      </Body>
    </Chrome>
  );
}

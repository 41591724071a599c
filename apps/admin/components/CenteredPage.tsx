import type { ReactNode } from 'react';
import styled from 'styled-components';
import { getColor } from '@zendeskgarden/react-theming';
import { XL } from '@zendeskgarden/react-typography';
import { Logo } from './icons.tsx';

const Backdrop = styled.main`
  display: flex;
  align-items: center;
  justify-content: center;
  box-sizing: border-box;
  min-height: 100%;
  padding: ${(p) => p.theme.space.lg};
  background-color: ${(p) => getColor({ theme: p.theme, variable: 'background.subtle' })};
`;

const Card = styled.div`
  box-sizing: border-box;
  width: 100%;
  max-width: ${(p) => p.theme.space.base * 100}px;
  padding: ${(p) => p.theme.space.xl};
  border: ${(p) => p.theme.borders.sm} ${(p) => getColor({ theme: p.theme, variable: 'border.default' })};
  border-radius: ${(p) => p.theme.borderRadii.md};
  background-color: ${(p) => getColor({ theme: p.theme, variable: 'background.default' })};
  box-shadow: ${(p) => p.theme.shadows.lg(`${p.theme.space.base * 4}px`, `${p.theme.space.base * 6}px`, getColor({ theme: p.theme, variable: 'shadow.large' }))};
`;

const Brand = styled.div`
  display: flex;
  align-items: center;
  gap: ${(p) => p.theme.space.sm};
  margin-bottom: ${(p) => p.theme.space.lg};
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.primary' })};
  font-weight: ${(p) => p.theme.fontWeights.semibold};
`;

const Heading = styled(XL)`
  margin-bottom: ${(p) => p.theme.space.md};
`;

/** A single card in the middle of the window, for pages outside the Admin Center chrome. */
export function CenteredPage({ title, brand, children }: { title: ReactNode; brand: string; children: ReactNode }) {
  return (
    <Backdrop>
      <Card>
        <Brand>
          <Logo width={24} height={24} />
          <span>{brand}</span>
        </Brand>
        <Heading tag="h1" isBold>{title}</Heading>
        {children}
      </Card>
    </Backdrop>
  );
}

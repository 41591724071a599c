import type { ReactNode } from 'react';
import styled from 'styled-components';
import { getColor } from '@zendeskgarden/react-theming';
import { MD, XXL } from '@zendeskgarden/react-typography';

const Wrapper = styled.header`
  margin-bottom: ${(p) => p.theme.space.lg};
`;

const Above = styled(MD)`
  margin-bottom: ${(p) => p.theme.space.xxs};
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
`;

const Below = styled(MD)`
  margin-top: ${(p) => p.theme.space.xxs};
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
`;

/** The page's h1, with an optional line above (where it sits) and below (what it is about). */
export function PageHeading({ above, below, children }: { above?: ReactNode; below?: ReactNode; children: ReactNode }) {
  return (
    <Wrapper>
      {above && <Above>{above}</Above>}
      <XXL tag="h1" isBold>{children}</XXL>
      {below && <Below>{below}</Below>}
    </Wrapper>
  );
}

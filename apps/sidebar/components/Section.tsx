import type { ReactNode } from 'react';
import styled from 'styled-components';
import { MD } from '@zendeskgarden/react-typography';

const Box = styled.section`
  display: flex;
  flex-direction: column;
  gap: ${(p) => p.theme.space.xs};
  margin-bottom: ${(p) => p.theme.space.md};
`;

/** A titled block of the sidebar. */
export function Section({ title, action, children }: { title: string; action?: ReactNode; children: ReactNode }) {
  return (
    <Box aria-label={title}>
      <MD isBold tag="h2">{title}</MD>
      {children}
      {action}
    </Box>
  );
}

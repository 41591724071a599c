import styled from 'styled-components';
import { LG } from '@zendeskgarden/react-typography';

export { GroupHeading, Panel, Subtle, TitleLine } from '../../components/panels.tsx';

/* Layout pieces shared by the Data export page's sections. */

export const PanelHeading = styled(LG).attrs({ tag: 'h2', isBold: true })`
  margin: 0 0 ${(p) => p.theme.space.sm};
`;

/** A row of controls that wraps on narrow windows. */
export const Row = styled.div`
  display: flex;
  flex-wrap: wrap;
  align-items: flex-end;
  gap: ${(p) => p.theme.space.md};
`;

export const Stack = styled.div`
  display: flex;
  flex-direction: column;
  gap: ${(p) => p.theme.space.sm};
  margin-top: ${(p) => p.theme.space.md};
`;


import styled from 'styled-components';
import { getColor } from '@zendeskgarden/react-theming';
import { LG } from '@zendeskgarden/react-typography';

export { GroupHeading, Panel, Subtle, TitleLine } from '../../components/panels.tsx';

/* Layout pieces of the Connections page. */

export const PanelHeading = styled(LG).attrs({ tag: 'h2', isBold: true })`
  margin: 0;
`;

/** A row of controls that wraps on narrow windows. */
export const Row = styled.div`
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: ${(p) => p.theme.space.sm};
`;

export const List = styled.ul`
  margin: ${(p) => p.theme.space.md} 0 0;
  padding: 0;
  list-style: none;
`;

export const Item = styled.li`
  display: flex;
  flex-wrap: wrap;
  align-items: flex-start;
  justify-content: space-between;
  gap: ${(p) => p.theme.space.md};
  padding: ${(p) => p.theme.space.md} 0;
  border-top: ${(p) => p.theme.borders.sm} ${(p) => getColor({ theme: p.theme, variable: 'border.subtle' })};
`;

/** Text only screen readers get (live announcements). */
export const VisuallyHidden = styled.span`
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
`;

import styled from 'styled-components';
import { getColor } from '@zendeskgarden/react-theming';
import { LG, MD } from '@zendeskgarden/react-typography';

/* Layout pieces of the Connections page. */

/** A bordered card, as Admin Center draws each settings group. */
export const Panel = styled.section`
  box-sizing: border-box;
  margin-bottom: ${(p) => p.theme.space.lg};
  padding: ${(p) => p.theme.space.lg};
  border: ${(p) => p.theme.borders.sm} ${(p) => getColor({ theme: p.theme, variable: 'border.default' })};
  border-radius: ${(p) => p.theme.borderRadii.md};
  background-color: ${(p) => getColor({ theme: p.theme, variable: 'background.default' })};
`;

export const PanelHeading = styled(LG).attrs({ tag: 'h2', isBold: true })`
  margin: 0;
`;

/** An h2 outside a panel, above a list of panels. */
export const GroupHeading = styled(LG).attrs({ tag: 'h2', isBold: true })`
  margin: ${(p) => p.theme.space.xl} 0 ${(p) => p.theme.space.md};
`;

export const Subtle = styled(MD)`
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.subtle' })};
`;

export const TitleLine = styled.div`
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: ${(p) => p.theme.space.sm};
  margin-bottom: ${(p) => p.theme.space.xs};
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

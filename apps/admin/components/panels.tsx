import styled from 'styled-components';
import { getColor } from '@zendeskgarden/react-theming';
import { LG, MD } from '@zendeskgarden/react-typography';

/* Layout pieces of the Admin Center's settings pages (Data export, Connections). */

/** A bordered card, as Admin Center draws each settings group. */
export const Panel = styled.section`
  box-sizing: border-box;
  margin-bottom: ${(p) => p.theme.space.lg};
  padding: ${(p) => p.theme.space.lg};
  border: ${(p) => p.theme.borders.sm} ${(p) => getColor({ theme: p.theme, variable: 'border.default' })};
  border-radius: ${(p) => p.theme.borderRadii.md};
  background-color: ${(p) => getColor({ theme: p.theme, variable: 'background.default' })};
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

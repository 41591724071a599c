import styled from 'styled-components';
import { getColor } from '@zendeskgarden/react-theming';

/** A small label in Garden's tag style (the react-tags package is not a dependency). */
export const Tag = styled.span`
  display: inline-flex;
  align-items: center;
  box-sizing: border-box;
  height: ${(p) => p.theme.space.base * 5}px;
  padding: 0 ${(p) => p.theme.space.xs};
  border-radius: ${(p) => p.theme.borderRadii.sm};
  background-color: ${(p) => getColor({ theme: p.theme, variable: 'background.primaryEmphasis' })};
  color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.onEmphasis' })};
  font-size: ${(p) => p.theme.fontSizes.sm};
  font-weight: ${(p) => p.theme.fontWeights.semibold};
  line-height: ${(p) => p.theme.space.base * 5}px;
  white-space: nowrap;
`;

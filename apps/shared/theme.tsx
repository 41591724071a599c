import type { ReactNode } from 'react';
import { createGlobalStyle } from 'styled-components';
import { DEFAULT_THEME, ThemeProvider, getColor } from '@zendeskgarden/react-theming';

// Garden styles components, not the page: give the document Garden's font and background.
// The width matters: Garden's Chrome pins <html> with position: fixed, which would shrink it to its content.
const PageStyle = createGlobalStyle`
  html, body, #root { width: 100%; height: 100%; }
  body {
    margin: 0;
    font-family: ${(p) => p.theme.fonts.system};
    color: ${(p) => getColor({ theme: p.theme, variable: 'foreground.default' })};
    background-color: ${(p) => getColor({ theme: p.theme, variable: 'background.default' })};
    -webkit-font-smoothing: antialiased;
  }
`;

/** Garden's theme for every deskbridge page; wrap each app's root once. */
export function GardenProvider({ children }: { children: ReactNode }) {
  return (
    <ThemeProvider theme={DEFAULT_THEME}>
      <PageStyle />
      {children}
    </ThemeProvider>
  );
}

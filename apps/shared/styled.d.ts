import 'styled-components';
import type { IGardenTheme } from '@zendeskgarden/react-theming';

// Lets `${(p) => p.theme.space.md}` in styled components type-check against Garden's theme.
declare module 'styled-components' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  export interface DefaultTheme extends IGardenTheme {}
}

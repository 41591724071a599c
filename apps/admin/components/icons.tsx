import type { SVGProps } from 'react';

/*
 * A handful of line icons drawn for deskbridge (Garden's svg-icons package would add a build
 * step for SVG imports). 26px for the nav, 16px for the header, stroked in currentColor.
 */
type IconProps = SVGProps<SVGSVGElement>;

const nav = (props: IconProps) => ({
  width: 26, height: 26, viewBox: '0 0 26 26', fill: 'none', stroke: 'currentColor', strokeWidth: 2,
  strokeLinecap: 'round' as const, strokeLinejoin: 'round' as const, 'aria-hidden': true, focusable: false, ...props,
});

/** The deskbridge mark: a bridge arch over a desk line. */
export const Logo = (props: IconProps) => (
  <svg {...nav(props)}>
    <path d="M3 19h20" />
    <path d="M5 19v-4a8 8 0 0 1 16 0v4" />
    <path d="M9 19v-3M13 19v-5M17 19v-3" />
  </svg>
);

export const HomeIcon = (props: IconProps) => (
  <svg {...nav(props)}>
    <path d="M4 12 13 4l9 8" />
    <path d="M6.5 10v11h13V10" />
    <path d="M11 21v-6h4v6" />
  </svg>
);

export const ExportIcon = (props: IconProps) => (
  <svg {...nav(props)}>
    <path d="M13 4v12" />
    <path d="m8 11 5 5 5-5" />
    <path d="M5 18v3h16v-3" />
  </svg>
);

export const LogIcon = (props: IconProps) => (
  <svg {...nav(props)}>
    <rect x="5" y="4" width="16" height="18" rx="2" />
    <path d="M9 9h8M9 13h8M9 17h5" />
  </svg>
);

export const ConnectionIcon = (props: IconProps) => (
  <svg {...nav(props)}>
    <path d="M10 7V3M16 7V3" />
    <path d="M7 7h12v5a6 6 0 0 1-12 0Z" />
    <path d="M13 18v5" />
  </svg>
);

export const SignOutIcon = (props: IconProps) => (
  <svg {...nav({ width: 16, height: 16, viewBox: '0 0 16 16', strokeWidth: 1.5, ...props })}>
    <path d="M6 2.5H3.5a1 1 0 0 0-1 1v9a1 1 0 0 0 1 1H6" />
    <path d="M10.5 11 13.5 8l-3-3" />
    <path d="M13.5 8H6" />
  </svg>
);

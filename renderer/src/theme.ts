/**
 * The MUI theme: close to a classic administration client, in a light and a dark colour scheme.
 *
 * Dense (small controls, compact tables), a calm neutral palette, and the system font stack:
 * the CSP forbids web fonts and remote content, and a native font reads best in an admin tool.
 * The colours are CSS variables switched by a class on <html> (`.light` / `.dark`): the scheme
 * follows the OS (prefers-color-scheme) unless the user picks one (see THEME_STORAGE_KEY).
 */
import { createTheme } from '@mui/material/styles';
import type { ChangeAction } from '../../shared/model';

/** The app's own surfaces and the change actions' colours, per colour scheme. */
interface AppColors {
  /** The title bar's background (text on it is white). */
  topBar: string;
  /** Table headers and the side navigation. */
  surface: string;
  /** A hovered table row. */
  rowHover: string;
  /** A selected table row or chosen filter. */
  rowSelected: string;
  /** The colour of each change action (contrast ≥ 4.5:1 on the paper). */
  changes: Record<ChangeAction, string>;
}

declare module '@mui/material/styles' {
  interface Palette {
    app: AppColors;
  }
  interface PaletteOptions {
    app?: AppColors;
  }
}

/** Where the user's choice (light, dark or system) is remembered, in localStorage. */
export const THEME_STORAGE_KEY = 'mdsync-theme';

const SYSTEM_FONTS = [
  'system-ui',
  '-apple-system',
  '"Segoe UI"',
  'Roboto',
  '"Noto Sans"',
  '"Liberation Sans"',
  '"Helvetica Neue"',
  'Arial',
  'sans-serif',
].join(',');

/** The app's theme, with its light and dark colour schemes. */
export const theme = createTheme({
  cssVariables: { colorSchemeSelector: 'class' },
  colorSchemes: {
    light: {
      palette: {
        primary: { main: '#2b5b84' },
        secondary: { main: '#5a6470' },
        background: { default: '#eceff2', paper: '#ffffff' },
        text: { primary: '#1d2329', secondary: '#56606b' },
        divider: '#d5dade',
        app: {
          topBar: '#25435f',
          surface: '#f3f5f7',
          rowHover: '#f5f8fb',
          rowSelected: '#dce8f4',
          changes: {
            create: '#1b6e2e',
            update: '#1f5c99',
            delete: '#b3261e',
            unchanged: '#5c6670',
            skip: '#8a5300',
            held: '#6b3fa0',
          },
        },
      },
    },
    dark: {
      palette: {
        primary: { main: '#8fb8de' },
        secondary: { main: '#a9b3bd' },
        background: { default: '#16191d', paper: '#1f2329' },
        text: { primary: '#e3e7eb', secondary: '#a3adb8' },
        divider: '#3a414a',
        app: {
          topBar: '#1b2a38',
          surface: '#262b32',
          rowHover: '#2a3038',
          rowSelected: '#2f4358',
          changes: {
            create: '#7fd08f',
            update: '#8fbdf0',
            delete: '#f29b94',
            unchanged: '#aab3bd',
            skip: '#e6b46a',
            held: '#c6a6ee',
          },
        },
      },
    },
  },
  shape: { borderRadius: 3 },
  typography: {
    fontFamily: SYSTEM_FONTS,
    fontSize: 13,
    h1: { fontSize: '1.35rem', fontWeight: 600 },
    h2: { fontSize: '1.15rem', fontWeight: 600 },
    h3: { fontSize: '0.95rem', fontWeight: 600 },
    body1: { fontSize: '0.875rem' },
    body2: { fontSize: '0.8125rem' },
    button: { textTransform: 'none', fontWeight: 500 },
  },
  components: {
    MuiButton: {
      defaultProps: { size: 'small', variant: 'outlined', disableElevation: true },
      styleOverrides: { root: { minWidth: 72 } },
    },
    MuiIconButton: { defaultProps: { size: 'small' } },
    MuiTextField: { defaultProps: { size: 'small', margin: 'dense' } },
    MuiFormControl: { defaultProps: { size: 'small' } },
    MuiSelect: { defaultProps: { size: 'small' } },
    MuiCheckbox: { defaultProps: { size: 'small' }, styleOverrides: { root: { padding: 4 } } },
    MuiRadio: { defaultProps: { size: 'small' }, styleOverrides: { root: { padding: 4 } } },
    MuiFormControlLabel: { styleOverrides: { root: { marginLeft: -4 } } },
    MuiTable: { defaultProps: { size: 'small' } },
    MuiTableCell: {
      styleOverrides: {
        root: { padding: '3px 8px', fontSize: '0.8125rem' },
        head: ({ theme: t }) => ({ fontWeight: 600, backgroundColor: t.vars.palette.app.surface }),
      },
    },
    MuiChip: { defaultProps: { size: 'small' } },
    MuiTab: { styleOverrides: { root: { textTransform: 'none', minHeight: 36 } } },
    MuiTabs: { styleOverrides: { root: { minHeight: 36 } } },
    MuiListItemButton: { defaultProps: { dense: true } },
    MuiMenuItem: { defaultProps: { dense: true } },
    MuiInputBase: { styleOverrides: { root: { fontSize: '0.875rem' } } },
    MuiInputLabel: { styleOverrides: { root: { fontSize: '0.875rem' } } },
    MuiFormHelperText: { styleOverrides: { root: { marginTop: 2 } } },
    MuiAlert: { styleOverrides: { root: { padding: '2px 10px' } } },
    MuiPaper: { defaultProps: { variant: 'outlined' } },
    MuiDialog: { defaultProps: { slotProps: { paper: { variant: 'elevation', elevation: 8 } } } },
    MuiTooltip: { defaultProps: { arrow: true } },
  },
});

/**
 * The MUI theme: close to a classic administration client.
 *
 * Dense (small controls, compact tables), a calm neutral palette, and the system font stack:
 * the CSP forbids web fonts and remote content, and a native font reads best in an admin tool.
 */
import { createTheme } from '@mui/material/styles';

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

/** The app's one theme. */
export const theme = createTheme({
  palette: {
    mode: 'light',
    primary: { main: '#2b5b84' },
    secondary: { main: '#5a6470' },
    background: { default: '#eceff2', paper: '#ffffff' },
    text: { primary: '#1d2329', secondary: '#56606b' },
    divider: '#d5dade',
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
        head: { fontWeight: 600, backgroundColor: '#f3f5f7' },
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

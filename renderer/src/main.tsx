/**
 * Renderer entry: the nonce'd emotion cache (the CSP allows only nonce'd styles), the theme (light
 * or dark, following the OS unless the user chose one), the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { CacheProvider } from '@emotion/react';
import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import { createNonceCache } from './csp-nonce';
import { THEME_STORAGE_KEY, theme } from './theme';
import { App } from './app/App';

const cache = createNonceCache(document);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <CacheProvider value={cache}>
      <ThemeProvider theme={theme} defaultMode="system" modeStorageKey={THEME_STORAGE_KEY}>
        <CssBaseline />
        <App />
      </ThemeProvider>
    </CacheProvider>
  </StrictMode>,
);

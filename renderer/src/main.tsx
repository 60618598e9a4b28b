/** Renderer entry: the nonce'd emotion cache (the CSP allows only nonce'd styles), the theme, the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { CacheProvider } from '@emotion/react';
import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import { createNonceCache } from './csp-nonce';
import { theme } from './theme';
import { App } from './app/App';

const cache = createNonceCache(document);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <CacheProvider value={cache}>
      <ThemeProvider theme={theme}>
        <CssBaseline />
        <App />
      </ThemeProvider>
    </CacheProvider>
  </StrictMode>,
);

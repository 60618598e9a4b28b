import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { api } from './api';

function App() {
  return <div>mdsync</div>;
}

void api;
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

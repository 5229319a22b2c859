/**
 * Renderer entry. The API module comes first: it loads the contract, whose zod settings must be in
 * place before any other schema is built (src-shared/api/zodSetup.ts).
 */
import './api';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

/** Renderer entry: creates the controllers once and hands them to the components. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { InferenceContext } from './state/inferenceContext';
import { createInferenceController } from './state/inferenceController';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
const inference = createInferenceController();
createRoot(root).render(
  <StrictMode>
    <InferenceContext.Provider value={inference}>
      <App />
    </InferenceContext.Provider>
  </StrictMode>,
);

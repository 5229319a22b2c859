/** Renderer entry: creates the controllers once and hands them to the components. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ControllersContext } from './controllers/ControllersContext';
import { createControllers, startApp } from './controllers/startApp';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
// The controllers are made and wired once, before the first render; components only read them.
const controllers = createControllers();
startApp(controllers);
createRoot(root).render(
  <StrictMode>
    <ControllersContext.Provider value={controllers}>
      <App />
    </ControllersContext.Provider>
  </StrictMode>,
);

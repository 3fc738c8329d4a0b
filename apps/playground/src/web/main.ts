// The playground's entry: define the elements, then put the app on the page.
import './styles.css';
import { definePlaygroundElements } from './app/define-playground-elements.js';
import { PLAYGROUND_APP_TAG } from './app/playground-app.js';

async function start(): Promise<void> {
  await definePlaygroundElements();
  const root = document.querySelector('#app')!;
  root.replaceChildren(document.createElement(PLAYGROUND_APP_TAG));
}

start().catch((error: unknown) => {
  console.error(error);
  const root = document.querySelector('#app');
  if (root) root.textContent = `The playground could not start: ${error instanceof Error ? error.message : String(error)}. Use a recent Chrome, Edge, Firefox or Safari.`;
});

// Entry point: pick the host (Tauri or the browser fake), then mount the window.

import { mount } from 'svelte';
import App from './App.svelte';
import { pickHost } from './lib/host';
import './styles/theme.css';
import './styles/base.css';
import './styles/status.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app');

pickHost().then(
  (host) => mount(App, { target, props: { host } }),
  (err: unknown) => {
    target.textContent = `Tokenkeeper could not start: ${String(err)}`;
  },
);

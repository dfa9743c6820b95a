// The click-to-call test page: builds a widget from the form's settings
// (kept in the query string, so a test or an admin can link to one), logs
// its events, and shows the snippet a website would paste.

import { mount } from './c2c.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const fields = ['to', 'disp', 'label', 'server'];
for (const f of fields) $(f).value = params.get(f) || '';

const to = params.get('to') || '';
if (to) {
  const host = document.createElement('div');
  host.id = 'widget';
  host.dataset.hookswitchCall = to;
  for (const f of ['disp', 'label', 'server']) {
    if (params.get(f)) host.dataset[f] = params.get(f);
  }
  host.addEventListener('hookswitch-c2c', (e) => {
    const { state, cid, reason } = e.detail;
    const li = document.createElement('li');
    li.dataset.state = state;
    li.textContent = [new Date().toLocaleTimeString(), state, cid, reason].filter(Boolean).join(' \u00b7 ');
    $('events').append(li);
  });
  $('slot').append(host);
  $('empty').hidden = true;
  mount(host);
}

const script = new URL('c2c.js', import.meta.url).href;
const attrs = [`data-hookswitch-call="${to || '2000'}"`];
for (const f of ['disp', 'label', 'server']) {
  if (params.get(f)) attrs.push(`data-${f}="${params.get(f).replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)}"`);
}
$('snippet').textContent = `<script type="module" src="${script}"></script>\n<div ${attrs.join(' ')}></div>`;

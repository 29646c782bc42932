// "Test the connection": the live test through POST v1/probe (only when the server runs with
// --allow-probe), each step shown with its result as the Remote Connectivity Analyzer does; the facts
// it observed join the case. The password goes into the request body once and is cleared after.

import { $, h, L } from './ui.js';

let last = null;
let running = false;

const marks = { ok: '✓', warning: '!', failed: '✗', skipped: '–' };

export function initLiveTest(page, enabled) {
  const card = $('live-test');
  card.hidden = !enabled;
  if (!enabled) return;
  $('live-test-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    if (running) return;
    const error = $('probe-error');
    const url = $('probe-url').value.trim();
    if (!url) {
      error.textContent = L('probeNoUrl');
      error.hidden = false;
      $('probe-url').focus();
      return;
    }
    error.hidden = true;
    const body = { url, lang: page.state.lang };
    for (const [field, id] of [['email', 'probe-email'], ['username', 'probe-username'], ['password', 'probe-password']]) {
      const value = $(id).value;
      if (value.trim()) body[field] = field === 'password' ? value : value.trim();
    }
    running = true;
    $('probe-run').setAttribute('aria-disabled', 'true');
    $('probe-run').textContent = L('probeRunning');
    const steps = $('probe-steps');
    steps.hidden = false;
    steps.replaceChildren(h('li', { class: 'probe-step running', text: L('probeRunning') }));
    try {
      const res = await fetch('v1/probe', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const data = await res.json();
      if (!res.ok) {
        steps.hidden = true;
        error.textContent = res.status === 403 ? L('probeRefused') : res.status === 429 ? L('probeRateLimited') : L('requestFailed', { message: data.message ?? data.code });
        error.hidden = false;
        return;
      }
      last = data;
      renderSteps();
      page.setObserved(data.facts);
    } catch {
      steps.hidden = true;
      error.textContent = L('networkError');
      error.hidden = false;
    } finally {
      // The password is used for this one test only.
      $('probe-password').value = '';
      running = false;
      $('probe-run').removeAttribute('aria-disabled');
      $('probe-run').textContent = L('probeRun');
    }
  });
}

function renderSteps() {
  const list = $('probe-steps');
  if (!last) {
    list.hidden = true;
    list.replaceChildren();
    return;
  }
  list.hidden = false;
  list.replaceChildren(
    ...last.steps.map((s) =>
      h(
        'li',
        { class: `probe-step step-${s.status}`, 'data-step': s.step, 'data-status': s.status },
        h('span', { class: 'probe-mark', 'aria-hidden': 'true', text: marks[s.status] ?? '?' }),
        h('span', { class: 'probe-name', text: L(`probe.step.${s.step}`) }),
        h('span', { class: 'probe-status', text: L(`probe.status.${s.status}`) }),
        h('span', { class: 'probe-summary', text: s.summary }),
        s.status === 'skipped' ? null : h('span', { class: 'probe-ms', text: `${s.ms} ms` }),
      ),
    ),
  );
}

/** Keeps the form in step with the case: the URL field shows the case's URL until the agent types another. */
export function renderLiveTest(page) {
  const card = $('live-test');
  if (card.hidden) return;
  const input = $('probe-url');
  const url = page.state.facts.url ?? page.result()?.facts?.url;
  if (typeof url === 'string' && (input.value === '' || input.dataset.fromCase === 'true')) {
    input.value = url;
    input.dataset.fromCase = 'true';
  }
  if (!input.dataset.listening) {
    input.dataset.listening = 'true';
    input.addEventListener('input', () => {
      input.dataset.fromCase = 'false';
    });
  }
  renderSteps();
}

export function resetLiveTest() {
  last = null;
  for (const id of ['probe-url', 'probe-email', 'probe-username', 'probe-password']) $(id).value = '';
  $('probe-url').dataset.fromCase = 'true';
  $('probe-error').hidden = true;
  renderSteps();
}

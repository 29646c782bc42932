// Feedback on the page, kept apart from the rest of app.js: "This solved it" / "Did not help" under
// each cause's guidance, the feedback token (asked once per browser session when the server wants one
// and no reverse proxy adds it), the learned prior of a cause, and the statistics view (solved rate
// per cause and symptom, as bars) from GET v1/feedback/stats. Only ids, the answer and the language are
// ever sent; never the message or facts.

const tokenKey = 'kb.feedbackToken';

/** What app.js lends this module: its element helper, its labels, the language and the case's symptom. */
let ui = null;

export function initFeedback(context) {
  ui = context;
}

function storedToken() {
  try {
    return sessionStorage.getItem(tokenKey);
  } catch {
    return null;
  }
}

function storeToken(token) {
  try {
    if (token) sessionStorage.setItem(tokenKey, token);
    else sessionStorage.removeItem(tokenKey);
  } catch {
    // Storage off (private mode): the token is asked again next time.
  }
}

/**
 * The answers sent in this page's life, by symptom and cause: the buttons stay answered when the page
 * draws the cause again (another answer, a language switch), so nobody sends the same answer twice.
 */
const answered = new Map();
const answerKey = (cause) => `${ui.symptom() ?? ''} ${cause.id}`;

/** Forgets the answers sent (a new case). */
export function resetFeedback() {
  answered.clear();
}

/** Cause ids per symptom id (GET v1/symptoms), loaded on the first answer. */
let symptomCauses = null;

async function causesOf(symptom) {
  if (!symptomCauses) {
    const res = await fetch(`v1/symptoms?lang=${ui.lang()}`);
    symptomCauses = res.ok ? new Map((await res.json()).symptoms.map((s) => [s.id, s.causes])) : new Map();
  }
  return symptomCauses.get(symptom) ?? [];
}

/**
 * POST v1/feedback with the session's token, if any. A cause shown because the facts point to it,
 * outside the symptom, is sent without the symptom (the server refuses a pair that cannot occur).
 * Resolves with the status and the error body.
 */
async function send(cause, solved) {
  const headers = { 'content-type': 'application/json' };
  const token = storedToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const symptom = ui.symptom();
  const ofSymptom = symptom !== null && (await causesOf(symptom)).includes(cause.id);
  const res = await fetch('v1/feedback', {
    method: 'POST',
    headers,
    body: JSON.stringify({ symptom: ofSymptom ? symptom : null, cause: cause.id, solved, lang: ui.lang() }),
  });
  return { ok: res.ok, status: res.status, sentToken: Boolean(token), error: res.ok ? null : await res.json().catch(() => ({})) };
}

/**
 * The two answers for one cause, a live region for what happened, and — after a 401 — a field for the
 * feedback token. Returns the elements to put beside the guidance's other actions.
 */
export function feedbackControls(cause) {
  const { h, L } = ui;
  const status = h('span', { class: 'feedback-status', role: 'status', 'aria-live': 'polite' });
  const area = h('div', { class: 'feedback-token', hidden: true });
  let busy = false;
  let done = false;
  const buttons = [];
  const setDisabled = (disabled) => {
    for (const b of buttons) {
      if (disabled) b.setAttribute('aria-disabled', 'true');
      else b.removeAttribute('aria-disabled');
    }
  };
  const answer = async (solved) => {
    if (busy || done) return;
    busy = true;
    setDisabled(true);
    status.classList.remove('failed');
    try {
      const result = await send(cause, solved);
      if (result.ok) {
        done = true;
        answered.set(answerKey(cause), solved);
        area.hidden = true;
        area.replaceChildren();
        status.textContent = L(solved ? 'feedbackThanks' : 'feedbackThanksNotSolved');
        for (const b of buttons) b.classList.toggle('chosen', b.dataset.solved === String(solved));
        return;
      }
      if (result.status === 401) {
        // A token that was sent and refused (mistyped, or rotated since): say so; else just ask.
        storeToken(null);
        askToken(solved, result.sentToken);
        status.textContent = '';
      } else {
        status.classList.add('failed');
        status.textContent = L('feedbackFailed', { message: result.error?.message ?? result.status });
      }
    } catch {
      status.classList.add('failed');
      status.textContent = L('feedbackFailed', { message: L('networkError') });
    } finally {
      busy = false;
      if (!done) setDisabled(false);
    }
  };
  const askToken = (solved, rejected) => {
    const id = `feedback-token-${cause.id}`;
    const input = h('input', { id, type: 'password', class: 'text-input', autocomplete: 'off', spellcheck: 'false', maxlength: '512', required: true });
    const form = h(
      'form',
      {
        class: 'token-form',
        onsubmit: (event) => {
          event.preventDefault();
          const token = input.value.trim();
          if (!token) return;
          storeToken(token);
          answer(solved);
        },
      },
      h('label', { for: id, class: 'field-label', text: L('tokenLabel') }),
      h('p', { class: rejected ? 'field-error' : 'hint', role: rejected ? 'alert' : null, text: rejected ? L('tokenRejected') : L('tokenHint') }),
      h('div', { class: 'token-row' }, input, h('button', { type: 'submit', class: 'button primary', text: L('tokenSend') })),
    );
    area.replaceChildren(form);
    area.hidden = false;
    input.focus();
  };
  const button = (solved, key) => {
    const b = h('button', { type: 'button', class: `button secondary ${solved ? 'solved' : 'not-solved'}`, 'data-solved': String(solved), text: L(key), onclick: () => answer(solved) });
    buttons.push(b);
    return b;
  };
  const controls = [status, button(false, 'notSolvedIt'), button(true, 'solvedIt'), area];
  if (answered.has(answerKey(cause))) {
    const solved = answered.get(answerKey(cause));
    done = true;
    setDisabled(true);
    status.textContent = L(solved ? 'feedbackThanks' : 'feedbackThanksNotSolved');
    for (const b of buttons) b.classList.toggle('chosen', b.dataset.solved === String(solved));
  }
  return controls;
}

/** "Learned from feedback: this cause solved 25 of 31 reported cases" under the reason, or null. */
export function priorNote(cause) {
  const p = cause.prior;
  if (!p) return null;
  const reports = p.solved + p.notSolved;
  if (reports === 0) return null;
  const number = (n) => n.toLocaleString(ui.lang() === 'de' ? 'de-DE' : 'en-US', { maximumFractionDigits: 2 });
  const text =
    p.learned === null
      ? ui.L('priorTooFew', { reports })
      : ui.L(p.bounded ? 'priorLearnedBounded' : 'priorLearned', { solved: p.solved, reports, declared: number(p.declared), learned: number(p.learned) });
  return ui.h('p', { class: 'cause-prior', text: text });
}

// ---------------------------------------------------------------- statistics view

function percentOf(part, whole) {
  return whole > 0 ? Math.round((part / whole) * 100) : 0;
}

function statsRow(cause, learning) {
  const { h, L } = ui;
  const reports = cause.solved + cause.notSolved;
  const rate = percentOf(cause.solved, reports);
  const prior =
    learning && cause.learned !== null
      ? L('statsPrior', { declared: cause.declared.toLocaleString(ui.lang() === 'de' ? 'de-DE' : 'en-US'), learned: cause.learned.toLocaleString(ui.lang() === 'de' ? 'de-DE' : 'en-US') })
      : '';
  const solved = h('span', { class: 'stats-solved', 'data-width': String(rate) });
  const notSolved = h('span', { class: 'stats-not-solved', 'data-width': String(100 - rate) });
  return h(
    'li',
    { class: 'stats-row', 'data-cause': cause.id },
    h('span', { class: 'stats-cause', text: cause.title }),
    h('span', { class: 'stats-bar', 'aria-hidden': 'true' }, solved, notSolved),
    h('span', { class: 'stats-text', text: `${L('statsSolved', { solved: cause.solved, reports, rate })}${prior ? ` · ${prior}` : ''}` }),
  );
}

function renderStats(body, stats) {
  const { h, L } = ui;
  const groups = stats.symptoms
    .map((s) => ({ ...s, reported: s.causes.filter((c) => c.solved + c.notSolved > 0) }))
    .filter((s) => s.reported.length > 0);
  if (groups.length === 0) {
    body.replaceChildren(h('p', { class: 'muted', text: L('statsEmpty') }));
    return;
  }
  const note = stats.learning ? L('statsLearning', stats.settings) : L('statsNotLearning');
  body.replaceChildren(
    h('p', { class: 'hint', text: note }),
    ...groups.map((s) => {
      const headingId = `stats-${s.id ?? 'none'}`;
      const silent = s.causes.length - s.reported.length;
      return h(
        'section',
        { class: 'stats-symptom', 'data-symptom': s.id ?? '', 'aria-labelledby': headingId },
        h('h3', { id: headingId, text: s.title }),
        h('ul', { class: 'stats-list' }, ...s.reported.sort((a, b) => b.solved + b.notSolved - (a.solved + a.notSolved)).map((c) => statsRow(c, stats.learning))),
        silent > 0 ? h('p', { class: 'muted small', text: L('statsSilent', { n: silent }) }) : null,
      );
    }),
  );
  // Bar widths through the CSSOM (the page's CSP allows no inline style attributes).
  for (const bar of body.querySelectorAll('[data-width]')) bar.style.width = `${bar.dataset.width}%`;
}

/** The footer button and the dialog; shown only when the server keeps feedback. */
export function setupStats(enabled) {
  const open = document.getElementById('stats-open');
  const dialog = document.getElementById('stats-dialog');
  const body = document.getElementById('stats-body');
  if (!open || !dialog || !body) return;
  open.hidden = !enabled;
  if (!enabled) return;
  open.addEventListener('click', async () => {
    body.replaceChildren(ui.h('p', { class: 'muted', text: ui.L('loading') }));
    if (!dialog.open) dialog.showModal();
    try {
      const res = await fetch(`v1/feedback/stats?lang=${ui.lang()}`);
      const data = await res.json();
      if (!res.ok) throw new Error(data.message ?? String(res.status));
      renderStats(body, data);
    } catch (error) {
      body.replaceChildren(ui.h('p', { class: 'field-error', role: 'alert', text: ui.L('requestFailed', { message: error.message }) }));
    }
  });
  document.getElementById('stats-close')?.addEventListener('click', () => dialog.close());
}

// The support agents' page: plain browser JavaScript, no dependencies, no other origin.
// Everything a user typed goes into the page with textContent; the only HTML inserted is the
// guidance the server rendered and sanitised (POST v1/diagnose?format=html).

import { renderOutcome, renderUnclear } from './case-end.js';
import { feedbackControls, initFeedback, priorNote, resetFeedback, setupStats } from './feedback.js';
import { initLiveTest, renderLiveTest, resetLiveTest } from './live-test.js';
import { $, addCommandButtons, clearFlash, copyButton, copyToClipboard, escapeHtml, flash, h, L, percent, setLabels, setLang } from './ui.js';

const factIdPattern = /^[a-z][A-Za-z0-9]*$/;
const maxPermalinkMessage = 2000;
/** After a new question appears, its buttons ignore clicks this long: a double click sets one answer, not two. */
const armDelayMs = 500;

const state = {
  lang: 'en',
  message: '',
  /** Facts the agent set, by name: values as the API takes them (boolean, number, string). */
  facts: Object.create(null),
  /** Facts the agent does not know ("I don't know"), sent as the request's `unknown`. */
  unknown: [],
  /** Facts the live test observed (the request's `observed`: they beat what a person gave). */
  observed: Object.create(null),
  /** The answers in the order given (fact names, set or not known): Back undoes the last. */
  order: [],
};

let catalogue = [];
let lastResult = null;
/** Per fact: what was typed and why it was not taken, shown at the field in the page's language. */
const fieldProblems = Object.create(null);
let diagnoseSeq = 0;
let searchSeq = 0;
let activeSuggestion = -1;
/** After an answer, keyboard focus moves on to the next question instead of getting lost. */
let focusNextQuestion = false;
let suggestionItems = [];
/** Whether the server keeps feedback (readyz says so; without it the feedback routes answer 503). */
let feedbackEnabled = false;
/** The hash this page wrote last: a hashchange to it is our own, not a navigation. */
let writtenHash = '';
/** An answer is on its way: further answer clicks wait for its diagnosis. */
let answering = false;
/** Where the last answer click was, so a new button under the cursor is not armed until the pointer leaves it. */
let lastClick = null;

// ---------------------------------------------------------------- permalink and history

function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const lang = params.get('lang');
  state.lang = lang === 'de' || lang === 'en' ? lang : pickLang(navigator.languages ?? [navigator.language]);
  setLang(state.lang);
  state.message = params.get('m') ?? '';
  state.facts = Object.create(null);
  state.observed = Object.create(null);
  state.unknown = [];
  state.order = [];
  const value = (raw) => {
    try {
      const v = JSON.parse(raw);
      if (['string', 'number', 'boolean'].includes(typeof v) || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) return v;
      return undefined;
    } catch {
      return raw;
    }
  };
  for (const [key, raw] of params) {
    const name = key.slice(2);
    if (!factIdPattern.test(name)) continue;
    if (key.startsWith('f.')) {
      const v = value(raw);
      if (v === undefined) continue;
      state.facts[name] = v;
      state.order.push(name);
    } else if (key.startsWith('u.')) {
      if (!state.unknown.includes(name)) state.unknown.push(name);
      state.order.push(name);
    } else if (key.startsWith('o.')) {
      const v = value(raw);
      if (v !== undefined) state.observed[name] = v;
    }
  }
  state.order = [...new Set(state.order)];
}

function hashOf() {
  const params = new URLSearchParams();
  params.set('lang', state.lang);
  if (state.message.trim()) params.set('m', state.message.slice(0, maxPermalinkMessage));
  for (const name of state.order) {
    if (Object.hasOwn(state.facts, name)) params.set(`f.${name}`, JSON.stringify(state.facts[name]));
    else if (state.unknown.includes(name)) params.set(`u.${name}`, '1');
  }
  for (const [name, value] of Object.entries(state.observed)) params.set(`o.${name}`, JSON.stringify(value));
  return `#${params.toString()}`;
}

/**
 * Writes the case into the address: `push` makes a history entry (each answer, so the browser's Back
 * undoes it), otherwise the current entry is replaced (typing, a language switch).
 */
function writeHash(push = false) {
  const hash = hashOf();
  writtenHash = hash;
  if (hash === location.hash) return;
  if (push) history.pushState({ kbStep: state.order.length }, '', hash);
  else history.replaceState(history.state, '', hash);
}

function pickLang(list) {
  for (const tag of list ?? []) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (base === 'de' || base === 'en') return base;
  }
  return 'en';
}

/** The browser's Back or Forward, or a pasted link: the case comes from the address again. */
async function onNavigate() {
  if (location.hash === writtenHash) return;
  writtenHash = location.hash;
  closeSuggestions();
  const lang = state.lang;
  readHash();
  applyLabels();
  $('message').value = state.message;
  if (lang !== state.lang) await loadCatalogue().catch(() => {});
  await diagnose();
}

/** Back: the browser's own entry when this page made one, else the last answer is taken away here. */
function goBack() {
  if (history.state && typeof history.state.kbStep === 'number' && history.state.kbStep > 0) {
    focusNextQuestion = true;
    history.back();
    return;
  }
  const last = state.order.at(-1);
  if (last) removeAnswer(last);
}

// ---------------------------------------------------------------- labels and language

function applyLabels() {
  document.documentElement.lang = state.lang;
  document.title = L('pageTitle');
  for (const node of document.querySelectorAll('[data-l]')) node.textContent = L(node.dataset.l);
  for (const node of document.querySelectorAll('[data-l-placeholder]')) node.setAttribute('placeholder', L(node.dataset.lPlaceholder));
  for (const node of document.querySelectorAll('[data-l-aria-label]')) node.setAttribute('aria-label', L(node.dataset.lAriaLabel));
  for (const button of document.querySelectorAll('[data-lang]')) button.setAttribute('aria-pressed', String(button.dataset.lang === state.lang));
  const version = $('kb-version');
  if (version.dataset.name) version.textContent = L('kbVersion', { name: version.dataset.name, version: version.dataset.version });
}

async function loadCatalogue() {
  const res = await fetch(`v1/facts?lang=${state.lang}`);
  if (res.ok) catalogue = (await res.json()).facts;
}

async function switchLanguage(lang) {
  if (lang === state.lang) return;
  state.lang = lang;
  setLang(lang);
  writeHash();
  // Nothing of the old language stays: status lines, the empty-submit note, field problems are redrawn.
  clearFlash();
  $('message-error').hidden = true;
  applyLabels();
  closeSuggestions();
  await loadCatalogue();
  await diagnose();
}

// ---------------------------------------------------------------- suggestions (combobox)

let searchTimer;
let diagnoseTimer;

function onMessageInput() {
  state.message = $('message').value;
  $('message-error').hidden = true;
  clearTimeout(searchTimer);
  clearTimeout(diagnoseTimer);
  searchTimer = setTimeout(searchSuggestions, 150);
  diagnoseTimer = setTimeout(() => {
    writeHash();
    diagnose();
  }, 400);
}

async function searchSuggestions() {
  const q = state.message.trim().slice(0, 500);
  const mine = ++searchSeq;
  if (q.length < 2) {
    closeSuggestions();
    return;
  }
  try {
    const res = await fetch(`v1/search?q=${encodeURIComponent(q)}&lang=${state.lang}&limit=8`);
    if (mine !== searchSeq || !res.ok) return;
    const { results } = await res.json();
    if (mine !== searchSeq || document.activeElement !== $('message')) return;
    // An exact match is listed first, so the agent sees it is known, not only other messages.
    const exact = results.filter((r) => r.text.toLowerCase() === q.toLowerCase());
    showSuggestions([...exact.slice(0, 1).map((r) => ({ ...r, exact: true })), ...results.filter((r) => r.text.toLowerCase() !== q.toLowerCase())]);
  } catch {
    closeSuggestions();
  }
}

function showSuggestions(results) {
  const list = $('suggestions');
  suggestionItems = results;
  activeSuggestion = -1;
  list.replaceChildren(
    ...results.map((r, i) =>
      h(
        'li',
        {
          id: `suggestion-${i}`,
          role: 'option',
          'aria-selected': 'false',
          class: r.exact ? 'suggestion exact' : 'suggestion',
          onmousedown: (event) => event.preventDefault(),
          onclick: () => chooseSuggestion(i),
        },
        h('span', { class: 'suggestion-text', text: r.text }),
        h('span', { class: 'suggestion-meta', text: r.exact ? `${r.title} · ${L('exactMatch')}` : r.title }),
      ),
    ),
  );
  const open = results.length > 0;
  list.hidden = !open;
  $('message').setAttribute('aria-expanded', String(open));
  $('message').removeAttribute('aria-activedescendant');
}

function closeSuggestions() {
  searchSeq++;
  clearTimeout(searchTimer);
  $('suggestions').hidden = true;
  $('suggestions').replaceChildren();
  suggestionItems = [];
  activeSuggestion = -1;
  $('message').setAttribute('aria-expanded', 'false');
  $('message').removeAttribute('aria-activedescendant');
}

function moveSuggestion(step) {
  if (suggestionItems.length === 0) return;
  activeSuggestion = (activeSuggestion + step + suggestionItems.length) % suggestionItems.length;
  for (const [i, node] of [...$('suggestions').children].entries()) {
    node.setAttribute('aria-selected', String(i === activeSuggestion));
    node.classList.toggle('active', i === activeSuggestion);
  }
  const active = $(`suggestion-${activeSuggestion}`);
  $('message').setAttribute('aria-activedescendant', active.id);
  active.scrollIntoView({ block: 'nearest' });
}

function chooseSuggestion(index) {
  const chosen = suggestionItems[index];
  if (!chosen) return;
  useMessage(chosen.text);
}

/** Takes a known message as the case's message (a suggestion, a "did you mean", a known message of an unclear case). */
function useMessage(text) {
  $('message').value = text;
  state.message = text;
  $('message-error').hidden = true;
  closeSuggestions();
  clearTimeout(diagnoseTimer);
  writeHash(true);
  diagnose();
}

function onMessageKeydown(event) {
  const open = !$('suggestions').hidden;
  if (event.key === 'ArrowDown' && open) {
    event.preventDefault();
    moveSuggestion(1);
  } else if (event.key === 'ArrowUp' && open) {
    event.preventDefault();
    moveSuggestion(-1);
  } else if (event.key === 'Escape' && open) {
    event.preventDefault();
    closeSuggestions();
  } else if (event.key === 'Enter' && open && activeSuggestion >= 0) {
    event.preventDefault();
    chooseSuggestion(activeSuggestion);
  }
}

function onSubmit(event) {
  event.preventDefault();
  // A diagnosis starts: the list closes, and a search still on its way is dropped.
  closeSuggestions();
  clearTimeout(diagnoseTimer);
  state.message = $('message').value;
  if (!state.message.trim() && state.order.length === 0 && Object.keys(state.observed).length === 0) {
    const note = $('message-error');
    note.textContent = L('emptySubmit');
    note.hidden = false;
    $('message').setAttribute('aria-describedby', 'message-hint message-error');
    $('message').focus();
    return;
  }
  writeHash();
  diagnose();
}

// ---------------------------------------------------------------- diagnose

/** The request the page sends for the case as it stands (also the body of v1/summary). */
function currentRequest() {
  const body = { lang: state.lang, facts: { ...state.facts } };
  if (state.message.trim()) body.message = state.message;
  if (state.unknown.length > 0) body.unknown = [...state.unknown];
  if (Object.keys(state.observed).length > 0) body.observed = { ...state.observed };
  return body;
}

function hasInput() {
  return state.message.trim() !== '' || state.order.length > 0 || Object.keys(state.observed).length > 0;
}

async function diagnose() {
  const mine = ++diagnoseSeq;
  if (!hasInput()) {
    lastResult = null;
    answering = false;
    renderAll(null);
    return;
  }
  setBusy(true);
  try {
    const res = await fetch('v1/diagnose?format=html', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(currentRequest()) });
    const data = await res.json();
    if (mine !== diagnoseSeq) return;
    if (!res.ok) {
      handleError(data);
      return;
    }
    hideError();
    takeFieldProblems(data);
    lastResult = data;
    renderAll(data);
  } catch {
    if (mine === diagnoseSeq) showError(L('networkError'));
  } finally {
    if (mine === diagnoseSeq) {
      setBusy(false);
      answering = false;
    }
  }
}

/** A value the engine could not use (a build such as "banana"): kept at its field with the field's own message, and out of the case. */
function takeFieldProblems(result) {
  for (const w of result.warnings) {
    const fact = /^facts\.(.+)$/.exec(w.field ?? '')?.[1];
    if (!fact || !Object.hasOwn(state.facts, fact) || !['FACT_NOT_RECOGNISED', 'FACT_AMBIGUOUS'].includes(w.code)) continue;
    fieldProblems[fact] = { code: w.code, typed: String(state.facts[fact]) };
    delete state.facts[fact];
    state.order = state.order.filter((n) => n !== fact);
    focusNextQuestion = true;
    writeHash();
  }
}

function handleError(error) {
  const field = typeof error.field === 'string' ? error.field : '';
  const fact = /^facts\.(.+)$/.exec(field)?.[1];
  if (error.code === 'FACT_INVALID' && fact && Object.hasOwn(state.facts, fact)) {
    // Keep the agent's other answers and what was typed; say at the field what it takes, and diagnose without it.
    fieldProblems[fact] = { code: error.code, typed: String(state.facts[fact]) };
    delete state.facts[fact];
    state.order = state.order.filter((n) => n !== fact);
    focusNextQuestion = true;
    writeHash();
    diagnose();
    return;
  }
  showError(L('requestFailed', { message: error.message ?? error.code ?? '?' }));
}

function showError(text) {
  const box = $('error');
  box.textContent = text;
  box.hidden = false;
}

function hideError() {
  $('error').hidden = true;
  $('error').textContent = '';
}

function setBusy(busy) {
  $('cause-list').setAttribute('aria-busy', String(busy));
  document.body.classList.toggle('busy', busy);
  if (busy) $('result-status').textContent = L('loading');
}

// ---------------------------------------------------------------- answering

function declOf(name) {
  return catalogue.find((f) => f.id === name);
}

function answer(name, value) {
  if (answering) return;
  answering = true;
  focusNextQuestion = true;
  delete fieldProblems[name];
  state.unknown = state.unknown.filter((n) => n !== name);
  state.facts[name] = value;
  state.order = [...state.order.filter((n) => n !== name), name];
  writeHash(true);
  diagnose();
}

function dontKnow(name) {
  if (answering) return;
  answering = true;
  focusNextQuestion = true;
  delete fieldProblems[name];
  delete state.facts[name];
  if (!state.unknown.includes(name)) state.unknown.push(name);
  state.order = [...state.order.filter((n) => n !== name), name];
  writeHash(true);
  diagnose();
}

function removeAnswer(name) {
  delete state.facts[name];
  state.unknown = state.unknown.filter((n) => n !== name);
  state.order = state.order.filter((n) => n !== name);
  focusNextQuestion = true;
  writeHash(true);
  diagnose();
}

/** An answer button that ignores clicks until it is armed: shortly after it appears, and never under the cursor of the last click. */
function answerButton(props, onAnswer) {
  const button = h('button', { type: 'button', ...props });
  const armedAt = performance.now() + armDelayMs;
  let underCursor = false;
  requestAnimationFrame(() => {
    if (!lastClick || !button.isConnected) return;
    const r = button.getBoundingClientRect();
    underCursor = lastClick.x >= r.left && lastClick.x <= r.right && lastClick.y >= r.top && lastClick.y <= r.bottom && performance.now() - lastClick.at < 1500;
  });
  button.addEventListener('pointerleave', () => {
    underCursor = false;
  });
  button.addEventListener('click', (event) => {
    if (answering || performance.now() < armedAt || (underCursor && event.detail > 0)) return;
    if (event.detail > 0) lastClick = { x: event.clientX, y: event.clientY, at: performance.now() };
    onAnswer();
  });
  return button;
}

/** The answers a fact offers as buttons: the question's own options, else the catalogue's. */
function optionsOf(decl, question) {
  if (question && question.options.length > 0) return question.options;
  if (decl.type === 'boolean') return [{ value: true, label: L('yes') }, { value: false, label: L('no') }];
  return decl.options ?? [];
}

/** The example a question's own hint gives ("(for example 15.2.1118.7)"), else the catalogue's first. */
function placeholderOf(decl, questionText) {
  const hint = /\((?:for example|e\.\s?g\.|zum Beispiel|z\.\s?B\.)\s+([^)]+)\)/i.exec(questionText ?? '')?.[1];
  if (hint) return hint.trim();
  return decl.examples ? String(decl.examples.find((e) => e !== '') ?? '') : undefined;
}

function problemText(decl, problem) {
  const key = problem.code === 'FACT_AMBIGUOUS' ? 'valueAmbiguous' : 'valueNotAccepted';
  return L(key, { value: problem.typed.slice(0, 80), label: decl.label ?? decl.description, accepts: decl.accepts ?? '' });
}

function factControl(decl, question, primary) {
  const options = optionsOf(decl, question);
  const questionId = `q-${decl.id}`;
  const questionText = question?.question ?? decl.question ?? decl.description;
  const row = h('div', { class: primary ? 'fact-row primary' : 'fact-row', 'data-fact': decl.id });
  row.append(h('p', { class: 'fact-question', id: questionId, text: questionText }), h('p', { class: 'fact-cost', text: L(`cost.${decl.cost}`) }));
  const size = primary ? 'button answer' : 'button answer small';
  const notKnown = answerButton({ class: `${size} dont-know`, 'data-value': 'unknown', text: L('dontKnow') }, () => dontKnow(decl.id));
  const problem = fieldProblems[decl.id];
  if (options.length > 0) {
    row.append(
      h(
        'div',
        { class: 'answer-buttons', role: 'group', 'aria-labelledby': questionId },
        ...options.map((o) => answerButton({ class: size, 'data-value': JSON.stringify(o.value), text: o.label }, () => answer(decl.id, o.value))),
        notKnown,
      ),
    );
  } else {
    const inputId = `input-${decl.id}`;
    const errorId = `error-${decl.id}`;
    const input = h('input', {
      id: inputId,
      type: 'text',
      class: 'text-input',
      'aria-labelledby': questionId,
      'aria-describedby': problem ? errorId : undefined,
      'aria-invalid': problem ? 'true' : undefined,
      inputmode: decl.type === 'integer' ? 'numeric' : undefined,
      placeholder: placeholderOf(decl, questionText),
      spellcheck: 'false',
      autocomplete: 'off',
    });
    // What was typed stays in the field, also when it was not accepted.
    if (problem) input.value = problem.typed;
    const error = h('p', { id: errorId, class: 'field-error', role: 'alert', hidden: !problem, text: problem ? problemText(decl, problem) : '' });
    const submit = () => {
      const raw = input.value.trim();
      if (raw === '') {
        // An empty answer says so instead of doing nothing.
        error.textContent = L('emptyAnswer');
        error.hidden = false;
        input.setAttribute('aria-describedby', errorId);
        input.focus();
        return;
      }
      answer(decl.id, decl.type === 'integer' && /^-?\d+$/.test(raw) ? Number(raw) : raw);
    };
    row.append(
      h('form', { class: 'inline-form', novalidate: true, onsubmit: (event) => (event.preventDefault(), submit()) }, input, h('button', { type: 'submit', class: 'button secondary', text: L('set') }), notKnown),
      error,
    );
  }
  return row;
}

function renderQuestions(result) {
  const card = $('questions');
  $('back').disabled = state.order.length === 0;
  if (!result) {
    card.hidden = true;
    return;
  }
  const step = state.order.length + 1;
  $('questions-heading').textContent = L('questionN', { n: step });
  const confirmed = result.assessment?.state === 'confirmed';
  const known = (name) => Object.hasOwn(state.facts, name) || state.unknown.includes(name) || Object.hasOwn(state.observed, name);
  const questions = result.questions.filter((q) => declOf(q.fact) && !known(q.fact));
  const asked = new Set(questions.map((q) => q.fact));
  const candidates = new Set(result.causes.filter((c) => c.status !== 'ruled-out').map((c) => c.id));
  const costRank = { user: 0, it: 1, probe: 2 };
  // Other facts that matter, for an agent who knows more than was asked; never asked as the next question.
  const more = confirmed
    ? []
    : catalogue
        .filter((f) => f.source !== 'derived' && !asked.has(f.id) && !known(f.id) && f.causes.some((c) => candidates.has(c)))
        .sort((a, b) => costRank[a.cost] - costRank[b.cost]);
  const next = $('next-question');
  const forIt = (result.itQuestions ?? []).filter((q) => declOf(q.fact) && !known(q.fact));
  const [first, ...rest] = questions;
  if (first && first.cost === 'it' && forIt.length > 1) {
    // IT answers in one round trip: the questions go out together, each answer is entered as it comes.
    for (const q of forIt) asked.add(q.fact);
    const text = forIt.map((q, i) => `${i + 1}. ${q.question}`).join('\n');
    next.replaceChildren(
      h(
        'div',
        { class: 'it-request', role: 'group', 'aria-labelledby': 'it-request-heading' },
        h('h3', { id: 'it-request-heading', class: 'it-request-title', text: L('itRequest', { n: forIt.length }) }),
        h('p', { class: 'muted', text: L('itRequestHint') }),
        copyButton(text, L('itRequestWhat'), 'button small secondary copy-it-request'),
        ...forIt.map((q, i) => factControl(declOf(q.fact), q, i === 0)),
      ),
    );
  } else if (first) {
    next.replaceChildren(factControl(declOf(first.fact), first, true));
  } else {
    $('questions-heading').textContent = L('questionsDone');
    next.replaceChildren(h('p', { class: 'muted', text: L(confirmed ? 'noQuestionsConfirmed' : 'noQuestions') }));
  }
  const inRequest = new Set(first?.cost === 'it' && forIt.length > 1 ? forIt.map((q) => q.fact) : []);
  const others = [...rest.filter((q) => !inRequest.has(q.fact)).map((q) => factControl(declOf(q.fact), q, false)), ...more.filter((f) => !inRequest.has(f.id)).map((f) => factControl(f, undefined, false))];
  $('fact-list').replaceChildren(...others);
  $('more-facts-summary').textContent = L('moreFacts', { n: others.length });
  $('more-facts').hidden = others.length === 0;
  card.hidden = false;
  if (focusNextQuestion) {
    focusNextQuestion = false;
    const target = next.querySelector('input[aria-invalid=true]') ?? next.querySelector('button, input') ?? $('questions-heading');
    if (target === $('questions-heading')) target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: true });
  }
}

function showValue(decl, value) {
  if (typeof value === 'boolean') return value ? L('yes') : L('no');
  const option = decl?.options?.find((o) => o.value === value);
  if (option) return option.label;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function knownRow(name, label, value, source, removable) {
  return h(
    'tr',
    { class: `known-item${source ? ` from-${source}` : ''}`, 'data-fact': name },
    h('th', { scope: 'row', class: 'known-label', text: label }),
    h('td', { class: 'known-value' }, h('span', { text: value }), source ? h('span', { class: 'known-source', text: L(source === 'message' ? 'fromMessage' : 'fromLiveTest') }) : null),
    h(
      'td',
      { class: 'known-action' },
      removable
        ? h('button', { type: 'button', class: 'remove', 'aria-label': L('removeFact', { fact: label }), title: L('remove'), text: '×', onclick: () => removeAnswer(name) })
        : null,
    ),
  );
}

function renderKnown(result) {
  const items = [];
  const labelOf = (name) => declOf(name)?.label ?? declOf(name)?.description ?? name;
  for (const name of state.order) {
    if (Object.hasOwn(state.facts, name)) items.push(knownRow(name, labelOf(name), showValue(declOf(name), state.facts[name]), null, true));
    else if (state.unknown.includes(name)) items.push(knownRow(name, labelOf(name), L('dontKnowValue'), null, true));
  }
  for (const [name, value] of Object.entries(state.observed)) {
    if (!declOf(name) || Object.hasOwn(state.facts, name)) continue;
    items.push(knownRow(name, labelOf(name), showValue(declOf(name), value), 'live', false));
  }
  // Facts the engine read out of the message (not derived, not set by the agent).
  if (result) {
    for (const [name, value] of Object.entries(result.facts)) {
      const decl = declOf(name);
      if (!decl || decl.source === 'derived' || Object.hasOwn(state.facts, name) || Object.hasOwn(state.observed, name)) continue;
      items.push(knownRow(name, labelOf(name), showValue(decl, value), 'message', false));
    }
  }
  $('known-list').replaceChildren(...items);
  $('known').hidden = items.length === 0;
}

// ---------------------------------------------------------------- results

function renderAll(result) {
  const confirmed = result?.assessment?.state === 'confirmed';
  // On a phone the result comes first once the case is confirmed (see app.css).
  document.body.classList.toggle('case-confirmed', confirmed);
  renderSymptom(result);
  renderQuestions(result);
  renderKnown(result);
  renderOutcome(result, page);
  renderUnclear(result, page);
  renderCauses(result);
  renderWarnings(result);
  renderLiveTest(page);
}

function renderSymptom(result) {
  const card = $('symptom');
  const body = $('symptom-body');
  if (!result || !state.message.trim()) {
    card.hidden = true;
    body.replaceChildren();
    return;
  }
  const parts = [];
  if (result.symptom) {
    const s = result.symptom;
    parts.push(h('p', { class: 'symptom-title', id: 'symptom-title', text: s.title }));
    parts.push(h('p', { class: 'symptom-meta', text: L('matchedBy', { how: L(`match.${s.matchedBy}`), score: percent(s.score) }) }));
    if (s.matchedText && s.matchedText !== s.title) parts.push(h('p', { class: 'symptom-meta' }, `${L('knownMessage')}: `, h('q', { text: s.matchedText })));
  } else {
    // Beside a cause the facts confirm, an unknown message is a note, not the headline.
    const confirmed = result.assessment?.state === 'confirmed';
    parts.push(h('p', { class: 'symptom-title muted', id: 'symptom-title', text: L(confirmed ? 'noSymptomFactsDecide' : 'noSymptom') }));
    if (result.suggestions.length > 0) {
      parts.push(
        h(
          'div',
          { class: 'did-you-mean' },
          h('span', { text: L('didYouMean') }),
          ...result.suggestions.map((sug) => h('button', { type: 'button', class: 'chip-button', text: sug.text, onclick: () => useMessage(sug.text) })),
        ),
      );
    }
  }
  const shown = state.message.length > 400 ? `${state.message.slice(0, 400)}…` : state.message;
  parts.push(h('figure', { class: 'your-text' }, h('figcaption', { text: L('yourText') }), h('blockquote', { id: 'your-text', text: shown })));
  body.replaceChildren(...parts);
  card.hidden = false;
}

/** Guidance HTML as plain text for a ticket: headings, paragraphs, numbered and bulleted lists. */
function guidanceText(root) {
  const lines = [];
  const walk = (node, prefix) => {
    for (const child of node.children) {
      const tag = child.tagName.toLowerCase();
      if (child.classList.contains('copy-command') || child.classList.contains('copy-value')) continue;
      if (/^h[1-6]$/.test(tag)) lines.push('', child.textContent.trim(), '');
      else if (tag === 'ol' || tag === 'ul') {
        [...child.children].forEach((li, i) => lines.push(`${prefix}${tag === 'ol' ? `${i + 1}.` : '-'} ${textWithoutButtons(li).replace(/\s*\n\s*/g, ' ')}`));
        lines.push('');
      } else if (tag === 'blockquote') {
        for (const line of textWithoutButtons(child).split('\n')) lines.push(`> ${line.trim()}`);
        lines.push('');
      } else if (tag === 'pre') lines.push(child.textContent.replace(/\n$/, ''), '');
      else if (tag === 'table' || tag === 'div') walk(child, prefix);
      else lines.push(textWithoutButtons(child), '');
    }
  };
  walk(root, '');
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

function textWithoutButtons(node) {
  const copy = node.cloneNode(true);
  for (const b of copy.querySelectorAll('button')) b.remove();
  return copy.textContent.trim();
}

/** The "Why" of a cause: the reason, and what speaks for it, against it and is not known yet, in the person's words. */
function explanationDetails(cause) {
  const e = cause.explanation;
  if (!e) return null;
  const seen = new Set();
  const notKnown = [...e.unknown, ...e.assumed].filter((i) => !seen.has(i.fact) && seen.add(i.fact));
  const group = (key, items, text) => (items.length === 0 ? null : h('div', { class: `why-group why-${key}` }, h('h4', { text: L(key) }), h('ul', {}, ...items.map((i) => h('li', { text: text(i) })))));
  const groups = [group('speaksFor', e.held, (i) => i.text), group('speaksAgainst', e.failed, (i) => i.text), group('notKnownYet', notKnown, (i) => i.label)].filter(Boolean);
  if (groups.length === 0) return null;
  return h('details', { class: 'why-details' }, h('summary', { text: L('whyDetails') }), ...groups);
}

function causeCard(cause, index, options = {}) {
  const guidance = h('div', { class: 'guidance' });
  guidance.innerHTML = cause.guidance; // sanitised by the server (renderHtml)
  addCommandButtons(guidance);
  const copyButton = h('button', {
    type: 'button',
    class: 'button secondary copy',
    text: L('copyGuidance'),
    onclick: async () => {
      const text = `${cause.title}\n\n${guidanceText(guidance)}`;
      const ok = await copyToClipboard(text, `<h2>${escapeHtml(cause.title)}</h2>${cause.guidance}`);
      copyButton.textContent = ok ? L('copied') : L('copyGuidance');
      flash(ok ? L('copied') : L('copyFailed'));
      setTimeout(() => {
        copyButton.textContent = L('copyGuidance');
      }, 2500);
    },
  });
  const feedback = feedbackEnabled && !options.feedbackElsewhere ? feedbackControls(cause) : [];
  const titleId = `cause-title-${cause.id}`;
  return h(
    'li',
    { class: `cause status-${cause.status}`, 'data-cause': cause.id, 'aria-labelledby': titleId },
    h(
      'div',
      { class: 'cause-head' },
      h('span', { class: 'rank', 'aria-hidden': 'true', text: String(index + 1) }),
      h('h3', { class: 'cause-title', id: titleId, text: cause.title }),
      h('span', { class: `badge badge-${cause.status}`, text: L(`status.${cause.status}`) }),
    ),
    h(
      'div',
      { class: 'score', title: L('share') },
      h('span', { class: 'score-bar', 'aria-hidden': 'true' }, h('span', { class: 'score-fill', 'data-width': String(Math.round(cause.score * 100)) })),
      h('span', { class: 'score-text', text: `${L('share')} ${percent(cause.score)}` }),
    ),
    cause.summary ? h('p', { class: 'cause-summary', text: cause.summary }) : null,
    h('p', { class: 'cause-reason' }, h('strong', { text: `${L('why')}: ` }), cause.reason),
    explanationDetails(cause),
    priorNote(cause),
    h('details', { class: 'guidance-details', open: index === 0 }, h('summary', { text: L('whatToDo') }), guidance, h('div', { class: 'guidance-actions' }, ...feedback, copyButton)),
  );
}

function renderCauses(result) {
  const list = $('cause-list');
  const open = result ? result.causes.filter((c) => c.status !== 'ruled-out') : [];
  const out = result ? result.causes.filter((c) => c.status === 'ruled-out') : [];
  const confirmed = result?.assessment?.state === 'confirmed';
  $('empty').hidden = result !== null;
  // The feedback of a confirmed cause sits in the "Likely fix" panel; one set of buttons per cause.
  list.replaceChildren(...open.map((c, i) => causeCard(c, i, { feedbackElsewhere: confirmed && i === 0 })));
  // Bar widths through the CSSOM (the page's CSP allows no inline style attributes).
  for (const fill of list.querySelectorAll('.score-fill')) fill.style.width = `${fill.dataset.width}%`;
  if (result && open.length === 0) list.replaceChildren(h('li', { class: 'no-causes', text: L('noCauses') }));
  const ruled = $('ruled-out');
  ruled.hidden = out.length === 0;
  $('ruled-out-summary').textContent = L('ruledOut', { n: out.length });
  $('ruled-out-list').replaceChildren(
    ...out.map((c) => h('li', { 'data-cause': c.id }, h('span', { class: 'ruled-title', text: c.title }), h('span', { class: 'ruled-reason', text: c.explanation?.failed?.map((i) => i.text).join('; ') || c.reason }))),
  );
  const status = $('result-status');
  if (!result) status.textContent = '';
  else status.textContent = open.length > 0 ? L('summaryStatus', { n: open.length, top: open[0].title }) : L('summaryNone');
}

function renderWarnings(result) {
  const list = $('warnings');
  // Value problems are shown at their field, in the page's words.
  const atField = new Set(['MESSAGE_NOT_RECOGNISED', 'FACT_NOT_RECOGNISED', 'FACT_AMBIGUOUS']);
  const warnings = (result?.warnings ?? []).filter((w) => !atField.has(w.code));
  list.replaceChildren(...warnings.map((w) => h('li', { text: w.message })));
  list.hidden = warnings.length === 0;
}

// ---------------------------------------------------------------- case actions

async function copySummary() {
  if (!hasInput()) {
    flash(L('summaryNothing'));
    return;
  }
  writeHash();
  try {
    const res = await fetch(`v1/summary?permalink=${encodeURIComponent(location.href)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(currentRequest()) });
    if (!res.ok) throw new Error(String(res.status));
    flash((await copyToClipboard(await res.text())) ? L('summaryCopied') : L('copyFailed'));
  } catch {
    flash(L('summaryFailed'));
  }
}

function newCase() {
  state.message = '';
  state.facts = Object.create(null);
  state.unknown = [];
  state.observed = Object.create(null);
  state.order = [];
  for (const k of Object.keys(fieldProblems)) delete fieldProblems[k];
  resetFeedback();
  resetLiveTest();
  $('message').value = '';
  $('message-error').hidden = true;
  writeHash(true);
  hideError();
  clearFlash();
  diagnose();
  $('message').focus();
}

/** What the other modules of the page may read and do. */
const page = {
  state,
  result: () => lastResult,
  feedbackEnabled: () => feedbackEnabled,
  useMessage,
  newCase,
  copySummary,
  /** The live test observed these facts: they join the case (observed beats given). */
  setObserved(facts) {
    state.observed = Object.create(null);
    for (const [name, value] of Object.entries(facts)) if (factIdPattern.test(name)) state.observed[name] = value;
    writeHash(true);
    diagnose();
  },
};

// Printing shows the case and its guidance: the top cause's steps open for the paper, closed again after.
let openedForPrint = [];
window.addEventListener('beforeprint', () => {
  openedForPrint = [...document.querySelectorAll('#cause-list > li:first-child details:not([open]), #outcome details:not([open])')];
  for (const d of openedForPrint) d.open = true;
});
window.addEventListener('afterprint', () => {
  for (const d of openedForPrint) d.open = false;
  openedForPrint = [];
});

// ---------------------------------------------------------------- start

async function start() {
  initFeedback({ h, L, lang: () => state.lang, symptom: () => lastResult?.symptom?.id ?? null });
  readHash();
  writtenHash = location.hash;
  try {
    const res = await fetch('labels.json');
    setLabels(await res.json());
  } catch {
    // The English texts in the HTML stay.
  }
  applyLabels();
  $('message').value = state.message;
  await loadCatalogue().catch(() => {});

  $('message').addEventListener('input', onMessageInput);
  $('message').addEventListener('keydown', onMessageKeydown);
  $('message').addEventListener('blur', () => setTimeout(closeSuggestions, 100));
  $('message-form').addEventListener('submit', onSubmit);
  for (const button of document.querySelectorAll('[data-lang]')) button.addEventListener('click', () => switchLanguage(button.dataset.lang));
  $('permalink').addEventListener('click', async () => {
    writeHash();
    flash((await copyToClipboard(location.href)) ? L('linkCopied') : location.href);
  });
  $('summary-copy').addEventListener('click', copySummary);
  $('reset').addEventListener('click', newCase);
  $('back').addEventListener('click', goBack);
  window.addEventListener('popstate', onNavigate);
  window.addEventListener('hashchange', onNavigate);
  let probe = false;
  await fetch('readyz')
    .then((r) => r.json())
    .then((ready) => {
      const node = $('kb-version');
      node.dataset.name = ready.kb.name;
      node.dataset.version = ready.kb.version;
      node.textContent = L('kbVersion', { name: ready.kb.name, version: ready.kb.version });
      feedbackEnabled = ready.feedback === true;
      probe = ready.probe === true;
    })
    .catch(() => {});
  setupStats(feedbackEnabled);
  initLiveTest(page, probe);
  document.body.classList.add('ready');
  await diagnose();
}

start();

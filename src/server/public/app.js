// The support agents' page: plain browser JavaScript, no dependencies, no other origin.
// Everything a user typed goes into the page with textContent; the only HTML inserted is the
// guidance the server rendered and sanitised (POST v1/diagnose?format=html).

import { feedbackControls, initFeedback, priorNote, setupStats } from './feedback.js';

const factIdPattern = /^[a-z][A-Za-z0-9]*$/;
const maxPermalinkMessage = 2000;

const state = {
  lang: 'en',
  message: '',
  /** Facts the agent set, by name: values as the API takes them (boolean, number, string). */
  facts: Object.create(null),
};

let labels = { en: {}, de: {} };
let catalogue = [];
let lastResult = null;
const factErrors = Object.create(null);
let diagnoseSeq = 0;
let searchSeq = 0;
let activeSuggestion = -1;
/** After an answer, keyboard focus moves on to the next question instead of getting lost. */
let focusNextQuestion = false;
let suggestionItems = [];
/** Whether the server keeps feedback (readyz says so; without it the feedback routes answer 503). */
let feedbackEnabled = false;

const $ = (id) => document.getElementById(id);

/** Creates an element; strings among the children become text nodes, never markup. */
function h(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** The label `key` in the current language, `{name}` filled from params. */
function L(key, params = {}) {
  const template = labels[state.lang]?.[key] ?? labels.en?.[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

function pickLang(list) {
  for (const tag of list ?? []) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (base === 'de' || base === 'en') return base;
  }
  return 'en';
}

// ---------------------------------------------------------------- permalink

function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const lang = params.get('lang');
  state.lang = lang === 'de' || lang === 'en' ? lang : pickLang(navigator.languages ?? [navigator.language]);
  state.message = params.get('m') ?? '';
  state.facts = Object.create(null);
  for (const [key, raw] of params) {
    if (!key.startsWith('f.')) continue;
    const name = key.slice(2);
    if (!factIdPattern.test(name)) continue;
    try {
      const value = JSON.parse(raw);
      if (['string', 'number', 'boolean'].includes(typeof value) || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) state.facts[name] = value;
    } catch {
      state.facts[name] = raw;
    }
  }
}

function writeHash() {
  const params = new URLSearchParams();
  params.set('lang', state.lang);
  if (state.message.trim()) params.set('m', state.message.slice(0, maxPermalinkMessage));
  for (const [name, value] of Object.entries(state.facts)) params.set(`f.${name}`, JSON.stringify(value));
  history.replaceState(null, '', `#${params.toString()}`);
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
  writeHash();
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
    showSuggestions(results.filter((r) => r.text.toLowerCase() !== q.toLowerCase()));
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
          class: 'suggestion',
          onmousedown: (event) => event.preventDefault(),
          onclick: () => chooseSuggestion(i),
        },
        h('span', { class: 'suggestion-text', text: r.text }),
        h('span', { class: 'suggestion-meta', text: r.title }),
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
  $('message').value = chosen.text;
  state.message = chosen.text;
  closeSuggestions();
  clearTimeout(diagnoseTimer);
  writeHash();
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

// ---------------------------------------------------------------- diagnose

async function diagnose() {
  const mine = ++diagnoseSeq;
  const hasInput = state.message.trim() !== '' || Object.keys(state.facts).length > 0;
  if (!hasInput) {
    lastResult = null;
    renderAll(null);
    return;
  }
  const body = { lang: state.lang, facts: { ...state.facts } };
  if (state.message.trim()) body.message = state.message;
  setBusy(true);
  try {
    const res = await fetch('v1/diagnose?format=html', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const data = await res.json();
    if (mine !== diagnoseSeq) return;
    if (!res.ok) {
      handleError(data);
      return;
    }
    hideError();
    lastResult = data;
    renderAll(data);
  } catch {
    if (mine === diagnoseSeq) showError(L('networkError'));
  } finally {
    if (mine === diagnoseSeq) setBusy(false);
  }
}

function handleError(error) {
  const field = typeof error.field === 'string' ? error.field : '';
  const fact = /^facts\.(.+)$/.exec(field)?.[1];
  if (error.code === 'FACT_INVALID' && fact && Object.hasOwn(state.facts, fact)) {
    // Keep the agent's other answers; show the problem at the field and diagnose without it.
    factErrors[fact] = error.message;
    delete state.facts[fact];
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

// ---------------------------------------------------------------- rendering

function renderAll(result) {
  renderSymptom(result);
  renderQuestions(result);
  renderKnown(result);
  renderCauses(result);
  renderWarnings(result);
}

function percent(score) {
  return `${Math.round(score * 100)}\u00a0%`;
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
    parts.push(h('p', { class: 'symptom-title muted', id: 'symptom-title', text: L('noSymptom') }));
    if (result.suggestions.length > 0) {
      parts.push(
        h(
          'div',
          { class: 'did-you-mean' },
          h('span', { text: L('didYouMean') }),
          ...result.suggestions.map((sug) =>
            h('button', {
              type: 'button',
              class: 'chip-button',
              text: sug.text,
              onclick: () => {
                $('message').value = sug.text;
                state.message = sug.text;
                writeHash();
                diagnose();
              },
            }),
          ),
        ),
      );
    }
  }
  const shown = state.message.length > 400 ? `${state.message.slice(0, 400)}…` : state.message;
  parts.push(h('figure', { class: 'your-text' }, h('figcaption', { text: L('yourText') }), h('blockquote', { id: 'your-text', text: shown })));
  body.replaceChildren(...parts);
  card.hidden = false;
}

function declOf(name) {
  return catalogue.find((f) => f.id === name);
}

/** The answers a fact offers as buttons: the question's own options, else the catalogue's. */
function optionsOf(decl, question) {
  if (question && question.options.length > 0) return question.options;
  if (decl.type === 'boolean') return [{ value: true, label: L('yes') }, { value: false, label: L('no') }];
  if (decl.options) return decl.options;
  return [];
}

function setFact(name, value) {
  focusNextQuestion = true;
  delete factErrors[name];
  state.facts[name] = value;
  writeHash();
  diagnose();
}

function factControl(decl, question, primary) {
  const options = optionsOf(decl, question);
  const questionId = `q-${decl.id}`;
  const row = h('div', { class: primary ? 'fact-row primary' : 'fact-row', 'data-fact': decl.id });
  row.append(
    h('p', { class: 'fact-question', id: questionId, text: question?.question ?? decl.question ?? decl.description }),
    h('p', { class: 'fact-cost', text: L(`cost.${decl.cost}`) }),
  );
  if (options.length > 0) {
    row.append(
      h(
        'div',
        { class: 'answer-buttons', role: 'group', 'aria-labelledby': questionId },
        ...options.map((o) => h('button', { type: 'button', class: primary ? 'button answer' : 'button answer small', 'data-value': JSON.stringify(o.value), text: o.label, onclick: () => setFact(decl.id, o.value) })),
      ),
    );
  } else {
    const inputId = `input-${decl.id}`;
    const input = h('input', {
      id: inputId,
      type: 'text',
      class: 'text-input',
      'aria-labelledby': questionId,
      inputmode: decl.type === 'integer' ? 'numeric' : undefined,
      placeholder: decl.examples ? String(decl.examples.find((e) => e !== '') ?? '') : undefined,
      spellcheck: 'false',
      autocomplete: 'off',
    });
    const submit = () => {
      const raw = input.value.trim();
      if (raw === '') return;
      setFact(decl.id, decl.type === 'integer' && /^-?\d+$/.test(raw) ? Number(raw) : raw);
    };
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        submit();
      }
    });
    row.append(h('form', { class: 'inline-form', onsubmit: (event) => (event.preventDefault(), submit()) }, input, h('button', { type: 'submit', class: 'button secondary', text: L('set') })));
  }
  if (factErrors[decl.id]) row.append(h('p', { class: 'field-error', role: 'alert', text: factErrors[decl.id] }));
  return row;
}

function renderQuestions(result) {
  const card = $('questions');
  if (!result) {
    card.hidden = true;
    return;
  }
  const candidates = new Set(result.causes.filter((c) => c.status !== 'ruled-out').map((c) => c.id));
  const questions = result.questions.filter((q) => declOf(q.fact) && !Object.hasOwn(state.facts, q.fact));
  const asked = new Set(questions.map((q) => q.fact));
  const costRank = { user: 0, it: 1, probe: 2 };
  const more = catalogue
    .filter((f) => f.source !== 'derived' && !asked.has(f.id) && !Object.hasOwn(state.facts, f.id) && f.causes.some((c) => candidates.has(c)))
    .sort((a, b) => costRank[a.cost] - costRank[b.cost]);
  const next = $('next-question');
  if (questions.length === 0 && more.length === 0) {
    next.replaceChildren(h('p', { class: 'muted', text: L('noQuestions') }));
  } else {
    const [first, ...rest] = questions;
    next.replaceChildren(first ? factControl(declOf(first.fact), first, true) : factControl(more.shift(), undefined, true));
    const others = [...rest.map((q) => factControl(declOf(q.fact), q, false)), ...more.map((f) => factControl(f, undefined, false))];
    $('fact-list').replaceChildren(...others);
    $('more-facts-summary').textContent = L('moreFacts', { n: others.length });
    $('more-facts').hidden = others.length === 0;
  }
  if (questions.length === 0 && more.length === 0) $('more-facts').hidden = true;
  card.hidden = false;
  if (focusNextQuestion) {
    focusNextQuestion = false;
    next.querySelector('button, input')?.focus({ preventScroll: true });
  }
}

function showValue(decl, value) {
  if (typeof value === 'boolean') return value ? L('yes') : L('no');
  const option = decl?.options?.find((o) => o.value === value);
  if (option) return option.label;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function renderKnown(result) {
  const list = $('known-list');
  const items = [];
  for (const [name, value] of Object.entries(state.facts)) {
    const decl = declOf(name);
    const label = decl?.description ?? name;
    items.push(
      h(
        'li',
        { class: 'known-item', 'data-fact': name },
        h('span', { class: 'known-label', text: label }),
        h('span', { class: 'known-value', text: showValue(decl, value) }),
        h('button', {
          type: 'button',
          class: 'remove',
          'aria-label': L('removeFact', { fact: label }),
          title: L('remove'),
          text: '×',
          onclick: () => {
            delete state.facts[name];
            focusNextQuestion = true;
            writeHash();
            diagnose();
          },
        }),
      ),
    );
  }
  // Facts the engine read out of the message (not derived, not set by the agent).
  if (result) {
    for (const [name, value] of Object.entries(result.facts)) {
      const decl = declOf(name);
      if (!decl || decl.source === 'derived' || Object.hasOwn(state.facts, name)) continue;
      items.push(
        h(
          'li',
          { class: 'known-item from-message', 'data-fact': name },
          h('span', { class: 'known-label', text: decl.description }),
          h('span', { class: 'known-value', text: showValue(decl, value) }),
          h('span', { class: 'known-source', text: L('fromMessage') }),
        ),
      );
    }
  }
  list.replaceChildren(...items);
  $('known').hidden = items.length === 0;
}

/** Guidance HTML as plain text for a ticket: headings, paragraphs, numbered and bulleted lists. */
function guidanceText(root) {
  const lines = [];
  const walk = (node, prefix) => {
    for (const child of node.children) {
      const tag = child.tagName.toLowerCase();
      if (/^h[1-6]$/.test(tag)) lines.push('', child.textContent.trim(), '');
      else if (tag === 'ol' || tag === 'ul') {
        [...child.children].forEach((li, i) => lines.push(`${prefix}${tag === 'ol' ? `${i + 1}.` : '-'} ${li.textContent.trim().replace(/\s*\n\s*/g, ' ')}`));
        lines.push('');
      } else if (tag === 'blockquote') {
        for (const line of child.textContent.trim().split('\n')) lines.push(`> ${line.trim()}`);
        lines.push('');
      } else if (tag === 'pre') lines.push(child.textContent.replace(/\n$/, ''), '');
      else if (tag === 'table' || tag === 'div') walk(child, prefix);
      else lines.push(child.textContent.trim(), '');
    }
  };
  walk(root, '');
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

async function copyToClipboard(text, html) {
  try {
    if (html && window.ClipboardItem && navigator.clipboard?.write) {
      await navigator.clipboard.write([
        new ClipboardItem({ 'text/plain': new Blob([text], { type: 'text/plain' }), 'text/html': new Blob([html], { type: 'text/html' }) }),
      ]);
      return true;
    }
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h('textarea', { readonly: true, class: 'offscreen' });
    area.value = text;
    document.body.append(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}

function flash(text) {
  const status = $('action-status');
  status.textContent = text;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => {
    status.textContent = '';
  }, 3000);
}

function causeCard(cause, index) {
  const guidance = h('div', { class: 'guidance' });
  guidance.innerHTML = cause.guidance; // sanitised by the server (renderHtml)
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
  const feedback = feedbackEnabled ? feedbackControls(cause) : [];
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
    priorNote(cause),
    h('details', { class: 'guidance-details', open: index === 0 }, h('summary', { text: L('whatToDo') }), guidance, h('div', { class: 'guidance-actions' }, ...feedback, copyButton)),
  );
}

function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function renderCauses(result) {
  const list = $('cause-list');
  const open = result ? result.causes.filter((c) => c.status !== 'ruled-out') : [];
  const out = result ? result.causes.filter((c) => c.status === 'ruled-out') : [];
  $('empty').hidden = result !== null;
  list.replaceChildren(...open.map((c, i) => causeCard(c, i)));
  // Bar widths through the CSSOM (the page's CSP allows no inline style attributes).
  for (const fill of list.querySelectorAll('.score-fill')) fill.style.width = `${fill.dataset.width}%`;
  if (result && open.length === 0) list.replaceChildren(h('li', { class: 'no-causes', text: L('noCauses') }));
  const ruled = $('ruled-out');
  ruled.hidden = out.length === 0;
  $('ruled-out-summary').textContent = L('ruledOut', { n: out.length });
  $('ruled-out-list').replaceChildren(
    ...out.map((c) => h('li', { 'data-cause': c.id }, h('span', { class: 'ruled-title', text: c.title }), h('span', { class: 'ruled-reason', text: c.reason }))),
  );
  const status = $('result-status');
  if (!result) status.textContent = '';
  else status.textContent = open.length > 0 ? L('summaryStatus', { n: open.length, top: open[0].title }) : L('summaryNone');
}

function renderWarnings(result) {
  const list = $('warnings');
  const warnings = (result?.warnings ?? []).filter((w) => w.code !== 'MESSAGE_NOT_RECOGNISED');
  list.replaceChildren(...warnings.map((w) => h('li', { text: w.message })));
  list.hidden = warnings.length === 0;
}

// ---------------------------------------------------------------- start

async function start() {
  initFeedback({ h, L, lang: () => state.lang, symptom: () => lastResult?.symptom?.id ?? null });
  readHash();
  try {
    const res = await fetch('labels.json');
    labels = await res.json();
  } catch {
    // The English texts in the HTML stay.
  }
  applyLabels();
  $('message').value = state.message;
  await loadCatalogue().catch(() => {});

  $('message').addEventListener('input', onMessageInput);
  $('message').addEventListener('keydown', onMessageKeydown);
  $('message').addEventListener('blur', () => setTimeout(closeSuggestions, 100));
  $('message-form').addEventListener('submit', (event) => {
    event.preventDefault();
    closeSuggestions();
    clearTimeout(diagnoseTimer);
    state.message = $('message').value;
    writeHash();
    diagnose();
  });
  for (const button of document.querySelectorAll('[data-lang]')) button.addEventListener('click', () => switchLanguage(button.dataset.lang));
  $('permalink').addEventListener('click', async () => {
    writeHash();
    flash((await copyToClipboard(location.href)) ? L('linkCopied') : location.href);
  });
  $('reset').addEventListener('click', () => {
    state.message = '';
    state.facts = Object.create(null);
    $('message').value = '';
    writeHash();
    hideError();
    diagnose();
    $('message').focus();
  });
  window.addEventListener('hashchange', () => {
    closeSuggestions();
    readHash();
    applyLabels();
    $('message').value = state.message;
    loadCatalogue().then(diagnose);
  });
  await fetch('readyz')
    .then((r) => r.json())
    .then((ready) => {
      const node = $('kb-version');
      node.dataset.name = ready.kb.name;
      node.dataset.version = ready.kb.version;
      node.textContent = L('kbVersion', { name: ready.kb.name, version: ready.kb.version });
      feedbackEnabled = ready.feedback === true;
    })
    .catch(() => {});
  setupStats(feedbackEnabled);
  document.body.classList.add('ready');
  await diagnose();
}

start();

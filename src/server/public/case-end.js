// How a case ends on the page: a confirmed cause's fix first ("Likely fix") with copy buttons for what
// to paste (the suggested EWS URL in its own callout, each admin command), "Solved it" / "Did not help",
// the case summary and "New case"; an unclear case offers the CRM's known messages and what to collect.

import { feedbackControls } from './feedback.js';
import { $, addCommandButtons, copyButton, h, L } from './ui.js';

/**
 * The part of a cause's guidance that says how to fix it: the third `##` section. kb lint holds every
 * cause page to the sections of rules/kb.yaml in that order (what it means, how to check, how to fix,
 * when to involve IT, an example), so the place is the same on every page and in both languages.
 */
const fixSectionIndex = 2;
const escalateSectionIndex = 3;

function sectionOf(html, index) {
  const root = document.createElement('div');
  root.innerHTML = html; // sanitised by the server (renderHtml)
  const headings = [...root.querySelectorAll(':scope > h2')];
  const start = headings[index];
  if (!start) return null;
  const out = document.createElement('div');
  out.className = 'guidance';
  for (let node = start.nextElementSibling; node && node.tagName !== 'H2'; node = node.nextElementSibling) out.append(node.cloneNode(true));
  return { heading: start.textContent, body: out };
}

/** The suggested EWS URL when the guidance of the top cause uses it and it is not the URL entered. */
function suggestedUrl(result, cause) {
  const suggested = result.facts?.suggestedEwsUrl;
  if (typeof suggested !== 'string' || suggested === result.facts?.url) return null;
  return cause.guidance.includes(suggested) ? suggested : null;
}

export function renderOutcome(result, page) {
  const panel = $('outcome');
  const body = $('outcome-body');
  const top = result?.causes?.find((c) => c.status !== 'ruled-out');
  if (!result || result.assessment?.state !== 'confirmed' || !top) {
    panel.hidden = true;
    body.replaceChildren();
    return;
  }
  const parts = [h('p', { class: 'outcome-cause' }, h('span', { class: 'outcome-cause-title', id: 'outcome-cause', text: top.title }), ' ', h('span', { class: 'badge badge-confirmed', text: L('status.confirmed') }))];
  const url = suggestedUrl(result, top);
  if (url) {
    parts.push(
      h(
        'div',
        { class: 'callout url-callout', role: 'group', 'aria-labelledby': 'url-callout-label' },
        h('p', { class: 'callout-label', id: 'url-callout-label', text: L('suggestedUrl') }),
        h('p', { class: 'callout-value' }, h('code', { id: 'suggested-url', text: url })),
        copyButton(url, L('suggestedUrl'), 'button primary copy-value'),
      ),
    );
  }
  for (const index of [fixSectionIndex, escalateSectionIndex]) {
    const section = sectionOf(top.guidance, index);
    if (!section) continue;
    addCommandButtons(section.body);
    parts.push(h('h3', { class: 'outcome-section', text: section.heading }), section.body);
  }
  const actions = h('div', { class: 'outcome-actions' });
  if (page.feedbackEnabled()) actions.append(...feedbackControls(top));
  actions.append(
    h('button', { type: 'button', class: 'button secondary', id: 'outcome-summary', text: L('copySummary'), onclick: () => page.copySummary() }),
    h('button', { type: 'button', class: 'button ghost', id: 'outcome-new-case', text: L('newCase'), onclick: () => page.newCase() }),
  );
  parts.push(actions);
  body.replaceChildren(...parts);
  panel.hidden = false;
}

export function renderUnclear(result, page) {
  const card = $('unclear');
  const body = $('unclear-body');
  if (!result || result.assessment?.state !== 'unclear') {
    card.hidden = true;
    body.replaceChildren();
    return;
  }
  // The CRM's own messages, one per symptom in the asked language, for the agent to pick the one seen.
  const list = h(
    'ul',
    { class: 'known-messages' },
    ...(result.assessment.messages ?? []).map((m) => h('li', {}, h('button', { type: 'button', class: 'chip-button', 'data-symptom': m.symptom, text: m.text, onclick: () => page.useMessage(m.text) }))),
  );
  const collect = result.assessment.collect;
  body.replaceChildren(
    h('p', { class: 'unclear-reason', text: L(`unclear.${result.assessment.reason}`) }),
    h('h3', { class: 'unclear-sub', id: 'known-messages-heading', text: L('pickMessage') }),
    list,
    collect.length > 0 ? h('h3', { class: 'unclear-sub', text: L('whatToCollect') }) : null,
    collect.length > 0 ? h('ul', { class: 'collect-list' }, ...collect.map((c) => h('li', { 'data-collect': c.id, text: c.text }))) : null,
    h('div', { class: 'outcome-actions' }, h('button', { type: 'button', class: 'button secondary', id: 'unclear-summary', text: L('copySummary'), onclick: () => page.copySummary() })),
  );
  card.hidden = false;
}

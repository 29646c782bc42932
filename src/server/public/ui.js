// Small helpers every module of the page shares: elements from data (never markup from strings),
// the labels of the current language, the clipboard.

const ui = { lang: 'en', labels: { en: {}, de: {} } };

export const $ = (id) => document.getElementById(id);

/** Creates an element; strings among the children become text nodes, never markup. */
export function h(tag, props, ...children) {
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

export function setLabels(labels) {
  ui.labels = labels;
}

export function setLang(lang) {
  ui.lang = lang;
}

export function currentLang() {
  return ui.lang;
}

/** The label `key` in the current language, `{name}` filled from params. */
export function L(key, params = {}) {
  const template = ui.labels[ui.lang]?.[key] ?? ui.labels.en?.[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

export function percent(score) {
  return `${Math.round(score * 100)}\u00a0%`;
}

export function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

export async function copyToClipboard(text, html) {
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

/** The page-wide status line; cleared after a few seconds and whenever the language changes. */
export function flash(text) {
  const status = $('action-status');
  status.textContent = text;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => {
    status.textContent = '';
  }, 3000);
}

export function clearFlash() {
  clearTimeout(flash.timer);
  $('action-status').textContent = '';
}

/**
 * A "Copy" button for one value: its label stays in the current language ("Copied" for a moment),
 * `what` names the value for screen readers.
 */
export function copyButton(value, what, className = 'button small secondary copy-value') {
  // The visible word starts the accessible name ("Copy: https://…"), so speech input finds it by what it shows.
  const word = document.createTextNode(L('copy'));
  const button = h('button', { type: 'button', class: className, 'data-copy': value }, word, h('span', { class: 'visually-hidden', text: `: ${what}` }));
  button.addEventListener('click', async () => {
    const ok = await copyToClipboard(value);
    word.textContent = ok ? L('copiedShort') : L('copy');
    flash(ok ? L('copiedWhat', { what }) : L('copyFailed'));
    setTimeout(() => {
      word.textContent = L('copy');
    }, 2000);
  });
  return button;
}

/** Inline code that is an admin command someone pastes into a shell (PowerShell cmdlets, scripts, nslookup, openssl). */
const commandPattern = /^(?:[A-Z][a-z]+-[A-Z][A-Za-z]+|\.\\[\w.-]+\.ps1|nslookup|openssl|curl|Resolve-DnsName|Test-NetConnection)(?:\s|$)/;

/** Adds a copy button after every admin command in a rendered guidance (code blocks and inline code). */
export function addCommandButtons(root) {
  for (const code of root.querySelectorAll('code')) {
    const text = code.textContent.trim();
    if (!commandPattern.test(text)) continue;
    const anchor = code.closest('pre') ?? code;
    if (anchor.nextElementSibling?.classList.contains('copy-command')) continue;
    anchor.after(copyButton(text, text.length > 60 ? `${text.slice(0, 57)}…` : text, 'button small secondary copy-command'));
  }
}

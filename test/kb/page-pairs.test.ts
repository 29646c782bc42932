import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { type Page, parsePage } from '../../src/kb/page.ts';
import { pageKey } from '../../src/kb/model.ts';

// A German page and its English twin must say the same thing: the same sections with the same
// number of steps and list items, the same commands (with the same parameters), the same error
// codes and settings, and the same placeholders. Example names, hosts and addresses may differ.

interface SectionShape {
  readonly steps: number;
  readonly bullets: number;
  readonly quotes: number;
  readonly codeBlocks: number;
}
interface Profile {
  readonly sections: SectionShape[];
  readonly commands: string[];
  readonly tokens: string[];
  readonly placeholders: string[];
}

/** The code of a text: inline spans and the lines of fenced blocks. */
function codeOf(text: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s{0,3}(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      if (line.trim() !== '') out.push(line.trim());
      continue;
    }
    for (const m of line.matchAll(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g)) out.push(m[2]!.trim());
  }
  return out;
}

const commandName = /^(?:[A-Z][a-z]+-[A-Za-z0-9]+|openssl|nslookup|whoami|appcmd|curl|dig|Resolve-DnsName)$/;

/**
 * A command reduced to what must not differ between languages: its name, its parameters and the
 * property names it lists. Quoted values, values after a parameter, hosts, addresses and user
 * names are left out, because examples may use localized names.
 */
export function commandSignatures(code: string): string[] {
  const out: string[] = [];
  for (const segment of code.split('|')) {
    const tokens = segment.trim().match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
    if (tokens.length === 0 || !commandName.test(tokens[0]!)) continue;
    const parts = [tokens[0]!];
    let afterParameter = false;
    for (const raw of tokens.slice(1)) {
      const token = raw.replace(/,$/, '');
      if (/^-[A-Za-z][\w]*(:.*)?$/.test(token)) {
        parts.push(token.replace(/:.*$/, ''));
        afterParameter = !token.includes(':');
        continue;
      }
      if (/^\/[A-Za-z]+(:.*)?$/.test(token)) {
        parts.push(token.replace(/:.*$/, ''));
        afterParameter = false;
        continue;
      }
      if (!afterParameter && /^(\$?[A-Za-z][A-Za-z0-9_]*\*?)$/.test(token)) parts.push(token);
      afterParameter = false;
    }
    out.push(parts.join(' '));
  }
  return out;
}

/** Single-word code that names the same thing in every language: codes, statuses, settings, headers, builds. */
function isTechnicalToken(code: string): boolean {
  if (/\s/.test(code) || /[^\x21-\x7e]/.test(code) || /[@/\\:]/.test(code)) return false;
  if (/\.[a-z]/i.test(code) && !/^[\d.]+$/.test(code)) return false; // host names, file names
  return /^(?:Error\w+|AADSTS\d+|E[A-Z]{4,}|ERR_[A-Z_]+|[A-Z0-9]+(?:_[A-Z0-9]+)+|\d{3}(?:\.\d+)?|\d+(?:\.\d+){2,3}|[A-Z][a-z]+(?:[A-Z][A-Za-z0-9]*)+\*?|X-[A-Za-z-]+|WWW-Authenticate|\$true|\$false)$/.test(code);
}

export function profile(page: Page): Profile {
  const code = codeOf(page.body);
  return {
    sections: page.sections.map((s) => ({
      steps: s.text.split('\n').filter((l) => /^\s{0,3}\d+[.)]\s/.test(l)).length,
      bullets: s.text.split('\n').filter((l) => /^\s{0,3}[-*+]\s/.test(l)).length,
      quotes: s.text.split('\n').filter((l, i, all) => /^\s{0,3}>/.test(l) && !/^\s{0,3}>/.test(all[i - 1] ?? '')).length,
      codeBlocks: s.text.split('\n').filter((l) => /^\s{0,3}(```|~~~)/.test(l)).length / 2,
    })),
    commands: [...new Set(code.flatMap(commandSignatures))].sort(),
    tokens: [...new Set(code.filter(isTechnicalToken))].sort(),
    placeholders: [...new Set(page.placeholders.map((p) => p.fact))].sort(),
  };
}

/** What differs between two profiles, worded for the writer; empty when the pair is equivalent. */
export function differences(en: Profile, de: Profile, headings: readonly string[]): string[] {
  const out: string[] = [];
  if (en.sections.length !== de.sections.length) out.push(`sections: en has ${en.sections.length}, de has ${de.sections.length}`);
  en.sections.forEach((s, i) => {
    const d = de.sections[i];
    if (!d) return;
    for (const k of ['steps', 'bullets', 'quotes', 'codeBlocks'] as const) {
      if (s[k] !== d[k]) out.push(`section "${headings[i] ?? i + 1}": ${k} en ${s[k]}, de ${d[k]}`);
    }
  });
  for (const k of ['commands', 'tokens', 'placeholders'] as const) {
    const onlyEn = en[k].filter((x) => !de[k].includes(x));
    const onlyDe = de[k].filter((x) => !en[k].includes(x));
    if (onlyEn.length) out.push(`${k} only in en: ${onlyEn.join(' · ')}`);
    if (onlyDe.length) out.push(`${k} only in de: ${onlyDe.join(' · ')}`);
  }
  return out;
}

const kb = loadKnowledgeBase();

describe('German and English pages are equivalent', () => {
  const ids = [
    ...kb.data.symptoms.map((s) => ['symptoms', s.page ?? s.id] as const),
    ...kb.data.causes.map((c) => ['causes', c.page ?? c.id] as const),
  ];
  it('covers every symptom and cause', () => {
    expect(ids.length).toBeGreaterThanOrEqual(31);
  });
  for (const [kind, id] of ids) {
    it(`${kind}/${id}`, () => {
      const en = kb.data.pages.get(pageKey('en', kind, id));
      const de = kb.data.pages.get(pageKey('de', kind, id));
      expect(en, `content/en/${kind}/${id}.md`).toBeDefined();
      expect(de, `content/de/${kind}/${id}.md`).toBeDefined();
      expect(differences(profile(en!), profile(de!), kb.data.settings.sections[kind].en)).toEqual([]);
    });
  }
});

describe('the comparison itself', () => {
  const en = `---
title: "T"
summary: "S"
---
## How to check
1. Run \`Get-WebServicesVirtualDirectory | Format-List Server, ExtendedProtection*\`.
2. Run \`whoami /upn\` and look for \`ErrorSendAsDenied\`, with {{email|you}}.

## How to fix
- \`Set-Mailbox -Identity sales@example.com -GrantSendOnBehalfTo @{Add="aberg"}\`
`;
  const page = (text: string, lang: string) => parsePage(`content/${lang}/causes/x.md`, text, { lang, kind: 'causes', id: 'x' }).page;

  it('finds nothing between a page and itself with other example names', () => {
    const de = en.replace('sales@example.com', 'vertrieb@example.com').replace('"aberg"', '"mmueller"').replace('Run', 'Führen Sie aus:');
    expect(differences(profile(page(en, 'en')), profile(page(de, 'de')), ['a', 'b'])).toEqual([]);
  });

  it('reports a missing step, parameter, property, code and placeholder', () => {
    const de = en
      .replace(/^2\. .*$/m, 'Prüfen Sie.')
      .replace(' -GrantSendOnBehalfTo @{Add="aberg"}', '')
      .replace(', ExtendedProtection*', '');
    const diff = differences(profile(page(en, 'en')), profile(page(de, 'de')), ['How to check', 'How to fix']);
    expect(diff).toContain('section "How to check": steps en 2, de 1');
    expect(diff.join('\n')).toContain('Set-Mailbox -Identity -GrantSendOnBehalfTo');
    expect(diff.join('\n')).toContain('Format-List Server ExtendedProtection*');
    expect(diff.join('\n')).toContain('whoami /upn');
    expect(diff.join('\n')).toContain('tokens only in en: ErrorSendAsDenied');
    expect(diff.join('\n')).toContain('placeholders only in en: email');
  });

  it('reads command signatures without the values', () => {
    expect(commandSignatures('Add-ADPermission -Identity "Sales Team" -User EXAMPLE\\aberg -ExtendedRights "Send As"')).toEqual(['Add-ADPermission -Identity -User -ExtendedRights']);
    expect(commandSignatures('appcmd set config "Default Web Site/ews" /section:httpredirect /enabled:false -commit:apphost')).toEqual(['appcmd set config /section /enabled -commit']);
    expect(commandSignatures('Set-CASMailbox -Identity anna -EwsEnabled:$false')).toEqual(['Set-CASMailbox -Identity -EwsEnabled']);
    expect(commandSignatures('no command here')).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledKbDir, loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { pageKey } from '../../src/kb/model.ts';

const kb = loadKnowledgeBase();
// The stable names live in the README (its "Stable names" section), inside the repository.
const readme = readFileSync(join(bundledKbDir, 'README.md'), 'utf8');
const stableNames = readme.slice(readme.indexOf('## Stable names'), readme.indexOf('\n## ', readme.indexOf('## Stable names') + 3));
const designSymptoms = ['url-invalid', 'version-unsupported', 'connect-failed', 'unauthorized', 'test-email-failed'];
const designCauses = [
  'url-malformed', 'url-not-ews-endpoint', 'url-redirects-to-owa', 'version-too-old', 'mailbox-no-smtp-address', 'cert-name-mismatch',
  'cert-untrusted-or-expired', 'server-unreachable', 'credentials-wrong', 'needs-app-password', 'needs-domain-username', 'ews-access-blocked',
  'ip-not-allowlisted', 'send-as-permission-missing', 'exchange-online-needs-modern-auth', 'extended-protection-blocks-ntlm',
  'auth-policy-blocks-legacy-auth', 'auth-method-mismatch', 'tls-version-mismatch', 'account-locked-or-disabled', 'server-busy-throttled',
  'mailbox-moved-to-exchange-online', 'delegate-access-missing', 'oauth-consent-required', 'conditional-access-blocked', 'not-an-exchange-server',
  'mailbox-license-missing',
];

describe('the content pack covers the stable names', () => {
  it('has every symptom and cause of the README\'s stable names, and the README names each', () => {
    expect(stableNames.length).toBeGreaterThan(100);
    for (const id of [...designSymptoms, ...designCauses]) expect(stableNames).toContain(`\`${id}\``);
    expect(kb.data.symptoms.map((s) => s.id)).toEqual(expect.arrayContaining(designSymptoms));
    expect(kb.data.causes.map((c) => c.id)).toEqual(expect.arrayContaining(designCauses));
  });

  it('has the CRM\'s exact messages in both languages', () => {
    const msg = (id: string) => kb.data.symptoms.find((s) => s.id === id)!.messages;
    expect(msg('unauthorized')).toEqual({ en: ['Unauthorized'], de: ['Nicht autorisiert'] });
    expect(msg('url-invalid').de).toContain('Exchange-URL ist ungültig');
    expect(msg('test-email-failed').de).toContain('Test-E-Mail fehlgeschlagen');
  });

  for (const [kind, ids] of [['symptoms', designSymptoms], ['causes', designCauses]] as const) {
    for (const id of ids) {
      for (const lang of ['de', 'en'] as const) {
        it(`${lang}/${kind}/${id} has a title, a summary and every section filled`, () => {
          const page = kb.data.pages.get(pageKey(lang, kind, id));
          expect(page, `content/${lang}/${kind}/${id}.md`).toBeDefined();
          expect(page!.title.length).toBeGreaterThan(3);
          expect(page!.summary.length).toBeGreaterThan(10);
          const required = kb.data.settings.sections[kind][lang];
          for (const heading of required) {
            const section = page!.sections.find((s) => s.heading === heading);
            expect(section, `section ${heading}`).toBeDefined();
            expect(section!.text.split(/\s+/).length, `words in ${heading}`).toBeGreaterThan(8);
          }
          if (kind === 'causes') {
            const fix = page!.sections.find((s) => s.heading === required[2])!;
            expect(fix.text).toMatch(/^1\. /m);
          }
        });
      }
    }
  }

  it('German pages address the reader in the Sie-form', () => {
    for (const [key, page] of kb.data.pages) {
      if (!key.startsWith('de/')) continue;
      expect(page.body, key).toMatch(/\bSie\b/);
      expect(page.body, key).not.toMatch(/\b(du|dein|deine|dich)\b/);
    }
  });
});

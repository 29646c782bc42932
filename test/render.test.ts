import { describe, expect, it } from 'vitest';
import { fillPlaceholders, renderHtml, renderTerminal } from '../src/render/index.ts';

describe('placeholders', () => {
  it('fill a known fact as code and use the fallback otherwise', () => {
    const md = 'Use {{suggestedEwsUrl|the EWS address}} for {{email}}.';
    expect(fillPlaceholders(md, { suggestedEwsUrl: 'https://mail.example.com/EWS/Exchange.asmx' })).toBe('Use `https://mail.example.com/EWS/Exchange.asmx` for ….');
    expect(fillPlaceholders(md, {})).toBe('Use the EWS address for ….');
  });

  it('never let a pasted value become markup', () => {
    const hostile = '<script>alert(1)</script> **bold** [x](javascript:alert(2)) ` ``';
    const html = renderHtml(fillPlaceholders('Value: {{url}}', { url: hostile }));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<strong>');
    expect(html).not.toMatch(/href="javascript/);
    expect(html).toContain('&lt;script&gt;');
  });
});

describe('HTML rendering', () => {
  it('escapes raw HTML written in Markdown and keeps safe links', () => {
    const html = renderHtml('<img src=x onerror=alert(1)>\n\n[ok](https://example.com) [bad](javascript:alert(1)) ![i](http://x/y.png)');
    expect(html).not.toMatch(/<img/);
    expect(html).toContain('&lt;img');
    expect(html).toContain('href="https://example.com"');
    expect(html).not.toContain('javascript:');
  });
  it('renders lists, code and headings', () => {
    const html = renderHtml('## Fix\n\n1. Open `Set-CASMailbox`\n2. Done');
    expect(html).toContain('<h2>Fix</h2>');
    expect(html).toContain('<ol>');
    expect(html).toContain('<code>Set-CASMailbox</code>');
  });
});

describe('terminal rendering', () => {
  it('renders inline formatting inside list items', () => {
    const text = renderTerminal('1. Run **Get-Mailbox** now\n').replace(/\u001b\[[0-9;]*m/g, '');
    expect(text).toContain('Get-Mailbox');
    expect(text).not.toContain('**');
  });
});

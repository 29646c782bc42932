import { describe, expect, it } from 'vitest';
import { probe, type ProbeOptions, type ProbeResult } from '../../src/probe/index.ts';
import { Scrubber, secretsOf } from '../../src/probe/secrets.ts';
import { responseMessage, soapEnvelope } from './_ews.ts';
import { createPki } from './_pki.ts';
import { type Handler, httpsServer, loopbackLookup, serverFixture, type TestServer } from './_servers.ts';

const fixture = serverFixture(createPki);
const email = 'anna@example.test';

/** An EWS endpoint that takes Basic with any password and echoes it back as `echo` says. */
function echoing(echo: (password: string, res: import('node:http').ServerResponse) => void): Handler {
  return (req, res) => {
    const auth = req.headers.authorization;
    if (!auth) {
      res.statusCode = 401;
      res.setHeader('WWW-Authenticate', 'Basic realm=""');
      res.end();
      return;
    }
    const password = Buffer.from(auth.split(' ')[1] ?? '', 'base64').toString('utf8').split(':').slice(1).join(':');
    echo(password, res);
  };
}

async function run(handler: Handler, password: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const server: TestServer = await fixture.keep(httpsServer(fixture.pki.right, handler));
  return probe(server.url('/EWS/Exchange.asmx'), { ca: fixture.pki.rootPem, lookup: loopbackLookup(), stepTimeoutMs: 3000, email, password, ...options });
}

/** No whole form of the password, in any case, nor a piece of four characters or more of one. */
function expectNoTrace(result: ProbeResult, password: string): void {
  const text = JSON.stringify(result).toLowerCase();
  for (const form of secretsOf({ username: email, password })) {
    const f = form.toLowerCase();
    for (let n = Math.min(4, f.length); n <= f.length; n++) {
      for (let i = 0; i + n <= f.length; i += Math.max(1, Math.floor(f.length / 4))) {
        if (n >= 4 || n === f.length) expect(text, `${JSON.stringify(f.slice(i, i + n))} of ${JSON.stringify(form)}`).not.toContain(JSON.stringify(f.slice(i, i + n)).slice(1, -1));
      }
    }
  }
}

describe('the password never reaches the report', () => {
  const password = 'S3cr3t-Pa55&!(x)';

  it('a redirect whose Location carries the password, cut for the summary in the middle of it', async () => {
    const result = await run(
      echoing((pw, res) => {
        res.statusCode = 302;
        // 120 characters of summary end inside the encoded password.
        res.setHeader('Location', `https://mail.example.test/owa/auth/logon.aspx?${'a'.repeat(70)}=${encodeURIComponent(pw)}&again=${pw.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`);
        res.end();
      }),
      password,
    );
    const ews = result.steps.find((s) => s.step === 'ews')!;
    expect(ews.status).toBe('failed');
    // The Location was scrubbed as it arrived; the cut for the summary then falls inside "[redacted]".
    expect(ews.summary).toMatch(/=\[re/);
    expectNoTrace(result, password);
  });

  it('an echo upper-cased by the server, in a SOAP message', async () => {
    const result = await run(
      echoing((pw, res) => {
        res.setHeader('Content-Type', 'text/xml; charset=utf-8');
        res.end(soapEnvelope(responseMessage('GetFolder', 'ErrorAccessDenied', `ACCESS DENIED FOR ${pw.toUpperCase().replace(/&/g, '&amp;')}`)));
      }),
      password,
    );
    expect(result.facts.ewsErrorCode).toBe('ErrorAccessDenied');
    expectNoTrace(result, password);
  });

  it('a password of three characters, echoed in a header and the body', async () => {
    const short = 'Q7x';
    const result = await run(
      echoing((pw, res) => {
        res.statusCode = 500;
        res.setHeader('X-Echo', `you sent ${pw}`);
        res.setHeader('Content-Type', 'text/plain');
        res.end(`Server error for password ${pw} (${pw.toUpperCase()})`);
      }),
      short,
    );
    expect(JSON.stringify(result).toLowerCase()).not.toContain('q7x');
  });
});

describe('Scrubber', () => {
  const scrub = new Scrubber(secretsOf({ username: 'EXAMPLE\\jdoe', password: 'Pa55 w&rd!' }));

  it.each([
    ['as typed', 'x Pa55 w&rd! y', 'x [redacted] y'],
    ['upper-cased', 'X PA55 W&RD! Y', 'X [redacted] Y'],
    ['URL-encoded, either case of hex', 'p=Pa55%20w%26rd!&q=pa55%20W%26RD!', 'p=[redacted]&q=[redacted]'],
    ['form-encoded', 'p=Pa55+w%26rd!', 'p=[redacted]'],
    ['XML-escaped', '<m>Pa55 w&amp;rd!</m>', '<m>[redacted]</m>'],
    ['in a Basic header', `Basic ${Buffer.from('EXAMPLE\\jdoe:Pa55 w&rd!').toString('base64')}`, 'Basic [redacted]'],
  ])('%s', (_name, text, expected) => {
    expect(scrub.text(text)).toBe(expected);
  });

  it('cutting after scrubbing leaves no piece of the password, wherever the cut falls', () => {
    const text = `Location: https://x/?p=${encodeURIComponent('Pa55 w&rd!')}&end`;
    for (let max = 1; max <= text.length; max++) {
      const clipped = scrub.clip(text, max);
      expect(clipped).not.toMatch(/Pa55|%20w|w%26|w&rd/i);
    }
    // A text already cut inside an echo: the beginning of the password at its end goes too.
    expect(scrub.text('… password Pa55 w&', true)).toBe('… password [redacted]');
  });

  it('with no password it changes nothing', () => {
    expect(new Scrubber(secretsOf(null)).text('Pa55')).toBe('Pa55');
  });
});

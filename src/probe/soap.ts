import { isWellFormedXml } from './xml-check.ts';

/**
 * The EWS schema version the probe asks for. Exchange2010_SP2 is what a CRM that needs "2010 SP2 or
 * later" sends, so an older server answers ErrorInvalidServerVersion exactly as it would to the CRM.
 */
export const requestServerVersion = 'Exchange2010_SP2';

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function envelope(body: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" ' +
    'xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">' +
    `<soap:Header><t:RequestServerVersion Version="${requestServerVersion}"/></soap:Header>` +
    `<soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

/**
 * GetFolder on the inbox: the smallest call that needs a signed-in user with a mailbox. With `email`
 * it opens that mailbox, so an address without one answers ErrorNonExistentMailbox.
 */
export function getFolderRequest(email?: string): string {
  const mailbox = email ? `<t:Mailbox><t:EmailAddress>${escapeXml(email)}</t:EmailAddress></t:Mailbox>` : '';
  return envelope(
    '<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape>' +
      `<m:FolderIds><t:DistinguishedFolderId Id="inbox">${mailbox}</t:DistinguishedFolderId></m:FolderIds></m:GetFolder>`,
  );
}

/** CreateItem with SendOnly: one plain message from `from` (Send As is what fails here) to `to`. */
export function sendTestRequest(from: string | undefined, to: string): string {
  const sender = from ? `<t:From><t:Mailbox><t:EmailAddress>${escapeXml(from)}</t:EmailAddress></t:Mailbox></t:From>` : '';
  return envelope(
    '<m:CreateItem MessageDisposition="SendOnly"><m:Items><t:Message>' +
      '<t:Subject>Exchange connection test</t:Subject>' +
      '<t:Body BodyType="Text">This message was sent by a connection test (kb probe). You can delete it.</t:Body>' +
      `<t:ToRecipients><t:Mailbox><t:EmailAddress>${escapeXml(to)}</t:EmailAddress></t:Mailbox></t:ToRecipients>` +
      `${sender}</t:Message></m:Items></m:CreateItem>`,
  );
}

/** What an EWS response says, read only from a well-formed SOAP document. */
export interface SoapReading {
  readonly xml: boolean;
  readonly soap: boolean;
  /** From ServerVersionInfo's four numbers; never from its `Version` attribute (a schema name such as V2_68). */
  readonly serverVersion?: string;
  /** The first ResponseCode that is not NoError, else NoError. */
  readonly responseCode?: string;
  readonly responseClass?: string;
  readonly messageText?: string;
}

const prefix = '(?:[A-Za-z_][\\w.-]*:)?';

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9A-Fa-f]{1,6});/g, (_, e: string) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '';
    }
    return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[e]!;
  });
}

function attributes(tagText: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tagText.matchAll(/([A-Za-z_][\w.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out.set(m[1]!, m[2] ?? m[3] ?? '');
  return out;
}

function elementTexts(xml: string, local: string): string[] {
  const re = new RegExp(`<${prefix}${local}(?:\\s[^>]*)?>([^<]{0,2000})</${prefix}${local}\\s*>`, 'g');
  return [...xml.matchAll(re)].map((m) => decodeEntities(m[1]!).trim());
}

/** The name of the root element of a well-formed document (after the prolog, comments and PIs). */
function rootName(xml: string): string {
  let i = 0;
  for (;;) {
    i = xml.indexOf('<', i);
    if (i === -1) return '';
    if (xml.startsWith('<?', i)) i = xml.indexOf('?>', i) + 2;
    else if (xml.startsWith('<!--', i)) i = xml.indexOf('-->', i) + 3;
    else return /^<([^\s/>]+)/.exec(xml.slice(i, i + 200))?.[1] ?? '';
  }
}

/** Reads ServerVersionInfo, ResponseCode (in a response message or a SOAP fault's detail) and its text. */
export function readSoapResponse(body: string): SoapReading {
  const text = body.replace(/^\uFEFF/, '').trimStart();
  if (!text.startsWith('<') || !isWellFormedXml(text)) return { xml: false, soap: false };
  if (!/^(?:[A-Za-z_][\w.-]*:)?Envelope$/.test(rootName(text))) return { xml: true, soap: false };

  let serverVersion: string | undefined;
  const svi = new RegExp(`<${prefix}ServerVersionInfo\\b([^>]*)>`).exec(text);
  if (svi) {
    const a = attributes(svi[1]!);
    const parts = ['MajorVersion', 'MinorVersion', 'MajorBuildNumber', 'MinorBuildNumber'].map((k) => a.get(k) ?? '');
    if (parts.every((p) => /^\d{1,6}$/.test(p))) serverVersion = parts.map(Number).join('.');
  }

  const codes = elementTexts(text, 'ResponseCode').filter((c) => /^[A-Za-z][A-Za-z0-9_]{0,80}$/.test(c));
  const faultCode = elementTexts(text, 'faultcode')[0]?.replace(/^[\w.-]+:/, '');
  const responseCode = codes.find((c) => c !== 'NoError') ?? codes[0] ?? (faultCode && /^Error[A-Za-z0-9_]{1,80}$/.test(faultCode) ? faultCode : undefined);
  const classes = [...text.matchAll(/\bResponseClass\s*=\s*"(Success|Warning|Error)"/g)].map((m) => m[1]!);
  const responseClass = classes.find((c) => c !== 'Success') ?? classes[0];
  const messageText = (elementTexts(text, 'MessageText')[0] ?? elementTexts(text, 'faultstring')[0])?.slice(0, 300);

  return {
    xml: true,
    soap: true,
    ...(serverVersion ? { serverVersion } : {}),
    ...(responseCode ? { responseCode } : {}),
    ...(responseClass ? { responseClass } : {}),
    ...(messageText ? { messageText } : {}),
  };
}

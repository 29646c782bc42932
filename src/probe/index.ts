/**
 * The live probe: observes an Exchange URL layer by layer (URL, DNS, TCP, TLS, HTTP, EWS) and returns
 * the facts of the catalogue it saw, ready for `diagnose(kb, { observed: result.facts })`.
 *
 *   const result = await probe('https://mail.example.com/EWS/Exchange.asmx', { email, password });
 *
 * `checkProbeTarget` is the guard a server runs before probing for a caller.
 */
export { probe } from './probe.ts';
export { checkProbeTarget, classifyAddress, type AddressClass, type TargetCheckOptions, type TargetVerdict } from './target-guard.ts';
export { defaultLimits, type Limits } from './limits.ts';
export type {
  AuthScheme,
  CaOption,
  DnsDetails,
  EwsAttempt,
  EwsDetails,
  HttpDetails,
  HttpHop,
  Lookup,
  ProbeFacts,
  ProbeOptions,
  ProbeResult,
  ProbeStep,
  ProgressEvent,
  ResolvedAddress,
  SignInPage,
  StepId,
  StepStatus,
  TcpDetails,
  TlsDetails,
  UrlDetails,
} from './types.ts';

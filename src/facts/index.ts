/** Fact values: coercion to the declared type, derived facts, comparison operators, versions, host names, URLs. */
export { coerceFactValue, type CoerceResult } from './coerce.ts';
export { deriveFacts, derivedDependents, usernameFormat, withFact } from './derive.ts';
export { certificateCoversHost, certNameCovers, normalizeHost } from './hostname.ts';
export { allOperators, builtinOperators, customOperators } from './operators.ts';
export { parseFormUrl } from './url.ts';
export { compareVersions, formatVersion, parseVersion, type Version } from './version.ts';

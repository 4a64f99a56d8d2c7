import { ApiObject, Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { parseIpv4, parseIpv6 } from './ip-ranges';
import { MIN_REASON_LENGTH, reasonProblem } from '../audit/acknowledgement';

/**
 * Every synth-time error of this library goes through here, so that it always names the
 * construct path, the offending value and how to fix it.
 *
 * Format: `<path>: <what> <value> <problem>. Fix: <fix>`.
 */
export function fail(scope: IConstruct, problem: string, fix: string): never {
  throw new Error(`${scope.node.path}: ${problem}. Fix: ${fix}`);
}

/** JSON rendering of a value for error messages. */
export function show(value: unknown): string {
  return JSON.stringify(value);
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Validates a DNS-1123 label (namespace names, Service names, port names...). */
export function validateDnsLabel(scope: IConstruct, what: string, value: string, maxLength = 63): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength || !DNS1123_LABEL.test(value)) {
    fail(
      scope,
      `${what} ${show(value)} is not a valid DNS-1123 label`,
      `use at most ${maxLength} lowercase letters, digits and '-', starting and ending with a letter or digit`,
    );
  }
  return value;
}

/** Validates a DNS-1123 subdomain (object names such as ServiceAccounts, Roles, Secrets). */
export function validateDnsSubdomain(scope: IConstruct, what: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    fail(
      scope,
      `${what} ${show(value)} is not a valid DNS-1123 subdomain`,
      "use at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
    );
  }
  return value;
}

/** Validates a TCP/UDP port number. */
export function validatePort(scope: IConstruct, what: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    fail(scope, `${what} ${show(value)} is out of range`, 'use an integer port from 1 to 65535');
  }
  return value;
}

/** Validates an IPv4 or IPv6 CIDR and returns it normalised to lowercase. */
export function validateCidr(scope: IConstruct, what: string, value: string): string {
  const parsed = parseCidr(value);
  if (parsed === undefined) {
    fail(scope, `${what} ${show(value)} is not a valid CIDR`, 'write an IPv4 or IPv6 network with a prefix length, e.g. "10.0.0.0/16" or "fd00::/8"');
  }
  // Values Kubernetes accepts today but reads ambiguously (KEP-4858, "IP/CIDR validation
  // improvements"): an IPv4-mapped IPv6 range is the IPv4 range to some CNIs and not to others,
  // and a CIDR with host bits set means the network to some consumers and one address to others.
  if (isIpv4Mapped(parsed)) {
    fail(scope, `${what} ${show(value)} is an IPv4-mapped IPv6 range (the IPv4 range in disguise, which Kubernetes is deprecating)`, 'write the IPv4 form, e.g. "169.254.0.0/16" instead of "::ffff:a9fe:0/112"');
  }
  if (hasHostBits(parsed)) {
    fail(scope, `${what} ${show(value)} has bits set after its prefix length`, 'write the network address of the range (e.g. "10.0.0.0/8", not "10.1.2.3/8"), or /32 (/128) for one address');
  }
  return value.toLowerCase();
}

/** A parsed CIDR: the address as a bigint, the prefix length and the family's bit width. */
export interface ParsedCidr {
  readonly address: bigint;
  readonly prefix: number;
  readonly bits: number;
}

/* eslint-disable no-bitwise -- CIDR arithmetic on addresses held as bigints */
/** Parses an IPv4 or IPv6 CIDR; `undefined` when it is not one. */
export function parseCidr(value: string): ParsedCidr | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^([^/]+)\/([0-9]{1,3})$/.exec(value);
  if (!m) return undefined;
  const prefix = Number(m[2]);
  const v4 = parseIpv4(m[1]);
  if (v4 !== undefined) return prefix <= 32 ? { address: v4, prefix, bits: 32 } : undefined;
  const v6 = parseIpv6(m[1]);
  if (v6 !== undefined) return prefix <= 128 ? { address: v6, prefix, bits: 128 } : undefined;
  return undefined;
}

/** Whether CIDR `outer` contains CIDR `inner` (same family). */
export function cidrContains(outer: ParsedCidr, inner: ParsedCidr): boolean {
  if (outer.bits !== inner.bits || inner.prefix < outer.prefix) return false;
  const shift = BigInt(outer.bits - outer.prefix);
  return outer.address >> shift === inner.address >> shift;
}

/** Whether a CIDR is written as an IPv4-mapped IPv6 range (inside `::ffff:0:0/96`). */
export function isIpv4Mapped(c: ParsedCidr): boolean {
  return c.bits === 128 && c.prefix >= 96 && c.address >> 32n === 0xffffn;
}

/** Whether a CIDR has bits set after its prefix length (`10.1.2.3/8`). */
export function hasHostBits(c: ParsedCidr): boolean {
  return (c.address & ((1n << BigInt(c.bits - c.prefix)) - 1n)) !== 0n;
}

/* eslint-enable no-bitwise */

const QUANTITY = /^([+-]?[0-9]+(\.[0-9]*)?|[+-]?\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;
const SUFFIX: Record<string, number> = {
  'Ki': 2 ** 10,
  'Mi': 2 ** 20,
  'Gi': 2 ** 30,
  'Ti': 2 ** 40,
  'Pi': 2 ** 50,
  'Ei': 2 ** 60,
  'm': 1e-3,
  '': 1,
  'k': 1e3,
  'M': 1e6,
  'G': 1e9,
  'T': 1e12,
  'P': 1e15,
  'E': 1e18,
};

/** Parses a Kubernetes resource quantity ("500m", "1Gi", "2e3") to a number; `undefined` when invalid. */
export function parseQuantity(value: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = QUANTITY.exec(value);
  if (!m) return undefined;
  const suffix = m[3] ?? '';
  const base = Number(m[1]);
  if (/^[eE]/.test(suffix)) return base * 10 ** Number(suffix.slice(1));
  return base * SUFFIX[suffix];
}

/** Validates a Kubernetes quantity; with `positive`, it must also be greater than zero. */
export function validateQuantity(scope: IConstruct, what: string, value: string, positive = true): number {
  const n = parseQuantity(value);
  if (n === undefined || (positive && !(n > 0))) {
    fail(
      scope,
      `${what} ${show(value)} is not a valid ${positive ? 'positive ' : ''}Kubernetes quantity`,
      'write a number with an optional suffix, e.g. "500m", "256Mi", "10Gi"',
    );
  }
  return n;
}


/**
 * Validates the reason given for an explicit opt-out or acknowledgement: it is written into the
 * output and the audit report, so it must say something.
 */
export function validateReason(scope: IConstruct, what: string, reason: string | undefined): string {
  // The audit reads these reasons back from the annotations: judge them by the audit's own rule.
  const r = (reason ?? '').trim();
  if (reasonProblem(r) !== undefined) {
    fail(
      scope,
      `the reason for ${what} ${show(reason ?? '')} is empty or trivial`,
      `explain in at least ${MIN_REASON_LENGTH} characters and 3 words why this is needed and why it is safe, e.g. who approved it and what compensates for it`,
    );
  }
  return r;
}

/**
 * Makes an ApiObject cluster-scoped: cdk8s stamps a chart's namespace onto every object,
 * cluster-scoped ones included, so the rendered `metadata.namespace` is removed.
 */
export function makeClusterScoped<T extends ApiObject>(obj: T): T {
  const render = obj.toJson.bind(obj);
  (obj as { toJson: () => any }).toJson = () => {
    const json = render();
    if (json.metadata) delete json.metadata.namespace;
    return json;
  };
  return obj;
}

/** Sorts strings and removes duplicates, for deterministic output. */
export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/**
 * Renders a positive whole number of seconds as a Go / Prometheus duration (`24h`, `1h30m`,
 * `90s` → `1m30s`), the format cert-manager, External Secrets and Prometheus read;
 * `undefined` when `d` is not a positive whole number of seconds.
 */
export function goDuration(d: Duration): string | undefined {
  const ms = d.toMilliseconds();
  if (!Number.isFinite(ms) || ms <= 0 || ms % 1000 !== 0) return undefined;
  const seconds = ms / 1000;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const sec = seconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${sec ? `${sec}s` : ''}`;
}

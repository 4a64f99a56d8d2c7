/**
 * Internal: what the Istio and the Linkerd authorization models share — the verdict types, the
 * three-valued matching (NO / MAYBE / YES) and its helpers, per-namespace selector indexes, and the
 * nodes a wildcard source matches.
 */
import { Model, Node, Selector, SelectorIndex } from './model';
import { PortSet } from './ports';
import { IpRangeSet } from '../private/ip-ranges';

export const NO = 0;
export const MAYBE = 1;
export const YES = 2;
export type Tri = 0 | 1 | 2;

export const min = (a: Tri, b: Tri): Tri => (a < b ? a : b);
export const max = (a: Tri, b: Tri): Tri => (a > b ? a : b);

export function not(t: Tri): Tri {
  return t === YES ? NO : t === NO ? YES : MAYBE;
}

export interface MeshOptions {
  readonly trustDomain: string;
  readonly istioRootNamespace: string;
  readonly linkerdClusterDefaultPolicy: string;
  readonly linkerdTrustDomain: string;
}

export interface MeshDenial {
  /** The TCP ports this reason refuses. */
  readonly ports: PortSet;
  readonly message: string;
}

export interface MeshVerdict {
  /** Ports the identity layer admits (UDP/SCTP are never intercepted, so always admitted). */
  readonly ports: PortSet;
  /** Why TCP ports are refused (for missing-path messages). */
  readonly denials: MeshDenial[];
}

/** A mesh identity: namespace and ServiceAccount (undefined: unknown, any of the namespace). */
export type MeshIdentity = { ns: string; sa?: string } | undefined;

export const TCP_ALL = PortSet.allOf('TCP');
export const NON_TCP = PortSet.ALL.without('TCP');

export function glob(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

/**
 * Whether a sender's address is in `set`: exact for address nodes (the partition makes each either
 * inside or outside every mesh IP condition), MAYBE for pods (their IPs are not in the manifests).
 */
export function addressMatch(set: IpRangeSet, sender: Node): Tri {
  if (!sender.ranges) return set.isEmpty ? NO : set.equals(IpRangeSet.ALL) ? YES : MAYBE;
  if (set.containsSet(sender.ranges)) return YES;
  return set.overlaps(sender.ranges) ? MAYBE : NO;
}

/** The selector index of the items of namespace `ns`, built on first use and kept in `cache`. */
export function indexFor<T>(cache: Map<string, SelectorIndex<T>>, byNs: Map<string, T[]>, ns: string,
  selectorOf: (t: T) => Selector | undefined): SelectorIndex<T> {
  let index = cache.get(ns);
  if (!index) {
    index = new SelectorIndex(byNs.get(ns) ?? [], selectorOf);
    cache.set(ns, index);
  }
  return index;
}

/** The nodes wildcard sources match, per source object and context. */
export class WildcardMatches {
  private readonly cache = new WeakMap<object, Map<string, Node[]>>();

  constructor(private readonly model: Model) {}

  /** The nodes a wildcard source (the same JSON object for every target a policy applies to) matches, computed once. */
  public nodes(source: unknown, context: string, matches: (n: Node) => boolean): Node[] {
    if (!source || typeof source !== 'object') return this.model.nodes.filter(matches);
    let byContext = this.cache.get(source);
    if (!byContext) {
      byContext = new Map();
      this.cache.set(source, byContext);
    }
    let list = byContext.get(context);
    if (!list) {
      list = this.model.nodes.filter(matches);
      byContext.set(context, list);
    }
    return list;
  }
}

export function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

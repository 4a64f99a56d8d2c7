/**
 * Internal: reading the objects under audit — the object view rules see (group, kind, name,
 * labels, where it was read from), their inputs, and the identities that several objects share.
 */
import { identityNamespace } from '../manifest/objects';

/** One Kubernetes object under audit. */
export interface K8sObject {
  /** Position in the input. */
  readonly index: number;
  /** The manifest (final JSON). */
  readonly manifest: any;
  readonly apiVersion: string;
  /** API group ('' for core). */
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  /** '' when unset. */
  readonly namespace: string;
  readonly labels: { [key: string]: string };
  readonly annotations: { [key: string]: string };
  readonly constructPath?: string;
  readonly file?: string;
  /** Where the object was read from, for messages: `construct "app/web"`, `x.yaml document 2 items[0]`, `input 3`. */
  readonly location: string;
}

export function apiGroup(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** The labels (annotations) of an object without any: shared, frozen. */
const EMPTY: { [key: string]: string } = Object.freeze({}) as { [key: string]: string };

export function stringMap(x: any): { [key: string]: string } {
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? x : EMPTY;
}

export function isObject(x: any): boolean {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

export function asArray(x: any): any[] {
  return Array.isArray(x) ? x : [];
}

/** An input object with its provenance. */
export interface AuditInput {
  readonly manifest: any;
  readonly constructPath?: string;
  readonly file?: string;
  /** Where the object was read from (when the caller knows better than `construct "..."` / `input N`). */
  readonly location?: string;
}

/** Where the object at an index of the input was read from, for messages. */
export type Locator = (index: number) => string;

/** Objects that share one identity (group, kind, namespace, name), in input order: the cluster keeps the last. */
export interface DuplicateObjects {
  readonly objects: K8sObject[];
}

/** API groups by apiVersion: one string per distinct apiVersion instead of one per object. */
const GROUPS = new Map<string, string>();

function groupOfVersion(apiVersion: string): string {
  let group = GROUPS.get(apiVersion);
  if (group === undefined) {
    group = apiGroup(apiVersion);
    if (GROUPS.size < 1000) GROUPS.set(apiVersion, group);
  }
  return group;
}

/** A K8sObject whose `location` is worked out only when a message asks for it. */
export class AuditObject implements K8sObject {
  constructor(
    public readonly index: number,
    public readonly manifest: any,
    public readonly apiVersion: string,
    public readonly group: string,
    public readonly kind: string,
    public readonly name: string,
    public readonly namespace: string,
    public readonly labels: { [key: string]: string },
    public readonly annotations: { [key: string]: string },
    public readonly constructPath: string | undefined,
    public readonly file: string | undefined,
    private readonly locate: Locator,
  ) {}

  public get location(): string {
    return this.locate(this.index);
  }
}

/** The object read from an input, or undefined when its manifest is not an object. */
export function readObject(input: AuditInput, index: number, locate: Locator): AuditObject | undefined {
  const m = input.manifest;
  if (!isObject(m)) return undefined;
  const metadata = isObject(m.metadata) ? m.metadata : EMPTY;
  const apiVersion = typeof m.apiVersion === 'string' ? m.apiVersion : '';
  return new AuditObject(
    index, m, apiVersion, groupOfVersion(apiVersion),
    typeof m.kind === 'string' ? m.kind : '',
    typeof metadata.name === 'string' ? metadata.name : '',
    typeof metadata.namespace === 'string' ? metadata.namespace : '',
    stringMap(metadata.labels), stringMap(metadata.annotations),
    input.constructPath, input.file, locate,
  );
}

/**
 * Finds the objects that share an identity (`identityKey`: group, kind, namespace, name). Kept by
 * kind, group, namespace and name level by level: no key string per object.
 */
export class Identities {
  private readonly first: Level = new Map();
  /** Indexes of the objects of each repeated identity, by the index of its first object (in the order the second appears). */
  public readonly repeated = new Map<number, number[]>();

  public add(obj: K8sObject): void {
    const m = obj.manifest;
    // identityKey(m) is undefined for these.
    if (typeof m.kind !== 'string' || !isObject(m.metadata) || typeof m.metadata.name !== 'string') return;
    const namespace = identityNamespace(obj.group, obj.kind, m.metadata.namespace);
    const names: Map<string, number> = level(level(level(this.first, obj.kind), obj.group), namespace);
    const first = names.get(obj.name);
    if (first === undefined) {
      names.set(obj.name, obj.index);
      return;
    }
    const list = this.repeated.get(first);
    if (list === undefined) this.repeated.set(first, [first, obj.index]);
    else list.push(obj.index);
  }
}

/** `construct "app/web"` for objects of a construct, `input 3` otherwise (unless the input says where it came from). */
export function defaultLocator(inputs: AuditInput[]): Locator {
  return (index) => {
    const input = inputs[index];
    return input.location ?? (input.constructPath !== undefined ? `construct "${input.constructPath}"` : `input ${index + 1}`);
  };
}

export type Level = Map<string, any>;

/** The map under a key of a map of maps (created when missing). */
export function level(map: Level, key: string): Level {
  let next = map.get(key);
  if (next === undefined) {
    next = new Map();
    map.set(key, next);
  }
  return next;
}

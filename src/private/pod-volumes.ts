/**
 * Internal: the volumes of a workload's pod and their mounts in the main container — the writable
 * /tmp, the mesh's and the ServiceAccount token's volumes, Secrets, persistent volumes, ConfigMaps
 * and emptyDirs sized to fit the container's limits.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail, parseQuantity, show, validateDnsSubdomain, validateQuantity } from './validation';
import { validatePath } from './workload-validation';
import { ConfigMapMountOptions, EmptyDirMedium, EmptyDirMountOptions } from '../workload-mounts';
import type { WorkloadContainerProps } from '../workload-props';

/** The writable /tmp every workload gets (the root filesystem is read-only). */
const TMP_SIZE = '64Mi';
/** The default size limit of an emptyDir mounted with `mountEmptyDir`. */
export const DEFAULT_EMPTY_DIR_SIZE = '256Mi';

/** The volumes of a pod and the mounts of its main container, in the order they were added. */
export class PodVolumes {
  public readonly volumes: any[] = [{ name: 'tmp', emptyDir: { sizeLimit: TMP_SIZE } }];
  public readonly mounts: any[] = [{ name: 'tmp', mountPath: '/tmp' }];
  private readonly memoryLimit: number;
  private readonly ephemeralStorageLimit: number;

  /** `limits`: the main container's (emptyDirs must fit in them); `namespace`: the pod's. */
  constructor(private readonly scope: IConstruct, private readonly namespace: string, private readonly limits: Record<string, string>) {
    this.memoryLimit = parseQuantity(limits.memory)!;
    this.ephemeralStorageLimit = parseQuantity(limits['ephemeral-storage'])!;
  }

  /** The Secrets (`secretMounts`) and persistent volumes (`volumes`) of the props. */
  public addFromProps(props: WorkloadContainerProps): void {
    const scope = this.scope;
    (props.secretMounts ?? []).forEach((s, i) => {
      validateDnsSubdomain(scope, `secretMounts[${i}].secretName`, s.secretName);
      validatePath(scope, `secretMounts[${i}].mountPath`, s.mountPath);
      this.add({ name: `secret-${i}`, secret: { secretName: s.secretName, defaultMode: 0o440 } }, { name: `secret-${i}`, mountPath: s.mountPath, readOnly: true });
    });
    (props.volumes ?? []).forEach((v, i) => {
      if (v.volume.namespaceName !== this.namespace) {
        fail(scope, `volumes[${i}] claim ${show(v.volume.claimName)} is in namespace ${show(v.volume.namespaceName)}, not ${show(this.namespace)}`, 'a pod can only mount claims of its own namespace; create the volume in this SecureNamespace');
      }
      validatePath(scope, `volumes[${i}].mountPath`, v.mountPath);
      this.add(
        { name: `data-${i}`, persistentVolumeClaim: { claimName: v.volume.claimName, ...(v.readOnly ? { readOnly: true } : {}) } },
        { name: `data-${i}`, mountPath: v.mountPath, ...(v.readOnly ? { readOnly: true } : {}) },
      );
    });
  }

  /** Mounts a ConfigMap read-only as files. */
  public mountConfigMap(configMap: string | ApiObject, mountPath: string, options: ConfigMapMountOptions = {}): void {
    let name: string;
    if (typeof configMap === 'string') {
      name = validateDnsSubdomain(this.scope, 'ConfigMap name', configMap);
    } else {
      if (configMap.kind !== 'ConfigMap' || configMap.apiVersion !== 'v1') {
        fail(this.scope, `mountConfigMap() got ${configMap.kind} ${show(configMap.name)}, not a ConfigMap`, 'pass a v1 ConfigMap object or the name of a ConfigMap');
      }
      const namespace = configMap.metadata.namespace;
      if (namespace !== undefined && namespace !== this.namespace) {
        fail(this.scope, `ConfigMap ${show(configMap.name)} is in namespace ${show(namespace)}, not ${show(this.namespace)}`, 'a pod can only mount ConfigMaps of its own namespace; create the ConfigMap in this SecureNamespace');
      }
      name = configMap.name;
    }
    validatePath(this.scope, `ConfigMap ${show(name)} mountPath`, mountPath);
    const keys = options.keys;
    if (keys !== undefined) {
      if (!Array.isArray(keys) || keys.length === 0) fail(this.scope, `ConfigMap ${show(name)} keys is empty`, 'list the keys to mount, or omit `keys` to mount every key');
      for (const k of keys) {
        if (typeof k !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(k) || k === '.' || k === '..' || k.length > 253) {
          fail(this.scope, `ConfigMap ${show(name)} key ${show(k)} is not a valid ConfigMap key`, 'use letters, digits, "-", "_" and "." (at most 253 characters)');
        }
      }
    }
    const volumeName = `config-${this.volumes.filter((v) => v.configMap && v.name.startsWith('config-')).length}`;
    this.add(
      {
        name: volumeName,
        configMap: {
          name,
          defaultMode: 0o440,
          ...(keys ? { items: [...new Set(keys)].sort().map((key) => ({ key, path: key })) } : {}),
          ...(options.optional ? { optional: true } : {}),
        },
      },
      { name: volumeName, mountPath, readOnly: true },
    );
  }

  /** Mounts a writable emptyDir with a size limit. */
  public mountEmptyDir(mountPath: string, options: EmptyDirMountOptions = {}): void {
    validatePath(this.scope, 'emptyDir mountPath', mountPath);
    const sizeLimit = options.sizeLimit ?? DEFAULT_EMPTY_DIR_SIZE;
    const size = validateQuantity(this.scope, `emptyDir ${show(mountPath)} sizeLimit`, sizeLimit);
    const medium = options.medium ?? EmptyDirMedium.DISK;
    if (!Object.values(EmptyDirMedium).includes(medium)) {
      fail(this.scope, `emptyDir ${show(mountPath)} medium ${show(medium)} is not a known medium`, 'use EmptyDirMedium.DISK or EmptyDirMedium.MEMORY');
    }
    const inMemory = medium === EmptyDirMedium.MEMORY;
    // What the volumes of one medium may hold, together, is bounded by the container's limit.
    const used = this.volumes
      .filter((v) => v.emptyDir && (v.emptyDir.medium === 'Memory') === inMemory)
      .reduce((sum, v) => sum + parseQuantity(v.emptyDir.sizeLimit)!, 0);
    const limit = inMemory ? this.memoryLimit : this.ephemeralStorageLimit;
    if (used + size > limit) {
      const what = inMemory ? 'memory' : 'ephemeral-storage';
      fail(this.scope, `emptyDir ${show(mountPath)} sizeLimit ${show(sizeLimit)} does not fit in the ${what} limit ${show(inMemory ? this.limits.memory : this.limits['ephemeral-storage'])} next to the other ${inMemory ? 'in-memory ' : ''}emptyDirs`,
        `lower sizeLimit or raise resources.${inMemory ? 'memoryLimit' : 'ephemeralStorageLimit'}: ${inMemory ? 'a Memory emptyDir counts against the container\'s memory limit' : 'emptyDirs on disk count against the pod\'s ephemeral storage'}`);
    }
    const volumeName = `scratch-${this.volumes.filter((v) => v.name.startsWith('scratch-')).length}`;
    this.add(
      { name: volumeName, emptyDir: { ...(inMemory ? { medium: 'Memory' } : {}), sizeLimit } },
      { name: volumeName, mountPath },
    );
  }

  /** Adds a volume and its mount; fails when the name or the mount path is taken. */
  public add(volume: any, mount: any): void {
    if (this.volumes.some((v) => v.name === volume.name)) fail(this.scope, `two volumes are named ${show(volume.name)}`, 'give each mount its own path');
    if (this.mounts.some((m) => m.mountPath === mount.mountPath)) fail(this.scope, `two volumes are mounted at ${show(mount.mountPath)}`, 'mount each volume at its own path');
    this.volumes.push(volume);
    this.mounts.push(mount);
  }
}

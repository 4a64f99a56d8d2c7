import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { EncryptedVolume } from './encrypted-volume';
import { VolumeSnapshotClass, VolumeSnapshotClassDeletionPolicy } from './imports/snapshot';
import { Schedule } from './imports/velero';
import { appSingleton } from './private/singleton';
import { fail, makeClusterScoped, show, validateDnsLabel, validateDnsSubdomain } from './private/validation';
import { VolumeEncryption } from './volume-encryption';

/** A Velero backup schedule for one EncryptedVolume. */
export interface VeleroBackupOptions {
  /**
   * When to back up: a standard 5-field cron expression (`minute hour day-of-month month
   * day-of-week`, with `*`, ranges, steps, lists and month / weekday names), optionally prefixed
   * with `CRON_TZ=<zone> `, or a macro (`@hourly`, `@daily`, `@midnight`, `@weekly`, `@monthly`,
   * `@yearly`, `@annually`, `@every <duration>`), as Velero parses it (robfig/cron ParseStandard).
   */
  readonly schedule: string;
  /** How long each backup is kept: a Go duration such as `720h0m0s` or `168h`. */
  readonly ttl: string;
  /**
   * Name of the Velero Schedule.
   * @default - `<namespace>-<claim name>` (with `-<index>` for the second and later backups of the volume)
   */
  readonly name?: string;
  /**
   * Namespace Velero runs in (where Schedules must be created).
   * @default "velero"
   */
  readonly veleroNamespace?: string;
  /**
   * The BackupStorageLocation the backups are stored in.
   * @default - Velero's default location
   */
  readonly storageLocation?: string;
  /**
   * The VolumeSnapshotLocations for native (non-CSI) snapshots.
   * @default - Velero's default locations
   */
  readonly volumeSnapshotLocations?: string[];
  /**
   * Back up every cluster-scoped resource that matches the selector as well. `false` is refused:
   * it would skip the claim's PersistentVolume, and with it the snapshot.
   * @default - Velero's default: cluster-scoped objects the claim refers to (its PersistentVolume)
   */
  readonly includeClusterResources?: boolean;
}

/** Default namespace of Velero. */
const VELERO_NAMESPACE = 'velero';
/** Parameters of each VolumeSnapshotClass, to detect conflicting settings for one driver. */
const snapshotClassParameters = new WeakMap<ApiObject, string>();

/**
 * How an EncryptedVolume is backed up.
 *
 * Backups are volume snapshots, which the storage system keeps encrypted with the same
 * customer-managed key. File-system backup (Velero's node agent) is not offered: it would copy
 * the decrypted data into the backup repository.
 *
 * @example
 * VolumeBackup.velero({ schedule: '0 3 * * *', ttl: '720h0m0s' })
 */
export class VolumeBackup {
  /**
   * A Velero `Schedule` (`velero.io/v1`, in the Velero namespace) that backs up the claim (selected
   * by its `cdk8s-secure-baseline.io/volume` label in its namespace) with volume snapshots.
   * Velero takes CSI snapshots when its CSI support is enabled, otherwise native snapshots.
   */
  public static velero(options: VeleroBackupOptions): VolumeBackup {
    return new VolumeBackup('velero', options);
  }

  /**
   * A `VolumeSnapshotClass` (`snapshot.storage.k8s.io/v1`) for the volume's CSI driver, with
   * `deletionPolicy: Retain` and the label `velero.io/csi-volumesnapshot-class: "true"` by which
   * Velero picks it. One per driver per app.
   */
  public static csiSnapshots(): VolumeBackup {
    return new VolumeBackup('csiSnapshots', {});
  }

  /**
   * Validates a cron schedule as Velero parses it (robfig/cron `ParseStandard`).
   * @internal
   */
  public static _validateCron(scope: IConstruct, what: string, value: string): string {
    const problem = cronProblem(value);
    if (problem !== undefined) {
      fail(
        scope,
        `${what} ${show(value)} is not a valid cron expression (${problem})`,
        'write 5 fields "minute hour day-of-month month day-of-week" (e.g. "0 3 * * *") using numbers, names (JAN, MON), *, ranges a-b, steps */n and lists a,b; or a macro such as "@daily"',
      );
    }
    return value.trim();
  }

  /**
   * Validates a positive Go duration (`time.ParseDuration`).
   * @internal
   */
  public static _validateDuration(scope: IConstruct, what: string, value: string): string {
    const ns = parseGoDuration(value);
    if (ns === undefined || !(ns > 0)) {
      fail(
        scope,
        `${what} ${show(value)} is not a positive Go duration`,
        'write hours, minutes and seconds such as "720h0m0s" or "168h" (units ns, us, ms, s, m, h; there is no "d": 30 days is "720h")',
      );
    }
    return value;
  }

  /** `velero` or `csiSnapshots`. */
  public readonly kind: string;

  private constructor(kind: 'velero' | 'csiSnapshots', private readonly options: any) {
    this.kind = kind;
  }

  /**
   * Creates the backup objects for `volume`; `index` is the position in its `backups`.
   * @internal
   */
  public _bind(volume: EncryptedVolume, index: number, veleroIndex: number): ApiObject {
    return this.kind === 'velero' ? this.velero(volume, index, veleroIndex) : this.snapshotClass(volume, index);
  }

  private velero(volume: EncryptedVolume, index: number, veleroIndex: number): ApiObject {
    const o = this.options ?? {};
    const what = `backups[${index}]`;
    const schedule = VolumeBackup._validateCron(volume, `${what} schedule`, o.schedule);
    const ttl = VolumeBackup._validateDuration(volume, `${what} ttl`, o.ttl);
    const name = validateDnsSubdomain(
      volume,
      `${what} name`,
      o.name ?? `${volume.namespaceName}-${volume.claimName}${veleroIndex > 0 ? `-${veleroIndex}` : ''}`,
    );
    const namespace = validateDnsLabel(volume, `${what} veleroNamespace`, o.veleroNamespace ?? VELERO_NAMESPACE);
    if (o.storageLocation !== undefined) validateDnsSubdomain(volume, `${what} storageLocation`, o.storageLocation);
    (o.volumeSnapshotLocations ?? []).forEach((l: string, i: number) => validateDnsSubdomain(volume, `${what} volumeSnapshotLocations[${i}]`, l));
    if (o.includeClusterResources === false) {
      fail(
        volume,
        `${what} includeClusterResources is false`,
        "leave it unset: with false Velero skips the claim's PersistentVolume and takes no snapshot of the volume",
      );
    }
    return new Schedule(volume, `Backup${index}`, {
      metadata: {
        name,
        namespace,
        labels: {
          'app.kubernetes.io/managed-by': 'cdk8s-secure-baseline',
          ...volume.selectorLabels,
        },
      },
      spec: {
        schedule,
        template: {
          includedNamespaces: [volume.namespaceName],
          labelSelector: { matchLabels: { ...volume.selectorLabels } },
          snapshotVolumes: true,
          defaultVolumesToFsBackup: false,
          ttl,
          ...(o.storageLocation !== undefined ? { storageLocation: o.storageLocation } : {}),
          ...(o.volumeSnapshotLocations?.length ? { volumeSnapshotLocations: [...o.volumeSnapshotLocations] } : {}),
          ...(o.includeClusterResources !== undefined ? { includeClusterResources: o.includeClusterResources } : {}),
        },
      },
    });
  }

  private snapshotClass(volume: EncryptedVolume, index: number): ApiObject {
    const what = `backups[${index}] csiSnapshots()`;
    const driver = volume.encryption.provisioner;
    if (driver === undefined) {
      fail(volume, `${what} needs the CSI driver, which ${volume.encryption.description} does not name`, 'set provisioner in VolumeEncryption.existingClass(), or back up with VolumeBackup.velero() only');
    }
    const short = VolumeEncryption._shortName(volume, `${what} driver`, driver);
    const parameters = volume.encryption._snapshotParameters(volume);
    const canonical = JSON.stringify(Object.entries(parameters).sort());
    const obj = appSingleton(volume, `VolumeSnapshotClass-${short}`, (chart, id) => {
      const created = makeClusterScoped(new VolumeSnapshotClass(chart, id, {
        metadata: {
          name: `${short}-retain`,
          labels: {
            'app.kubernetes.io/managed-by': 'cdk8s-secure-baseline',
            'velero.io/csi-volumesnapshot-class': 'true',
          },
        },
        driver,
        deletionPolicy: VolumeSnapshotClassDeletionPolicy.RETAIN,
        ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
      }));
      snapshotClassParameters.set(created, canonical);
      return created;
    });
    if (snapshotClassParameters.get(obj) !== canonical) {
      fail(
        volume,
        `${what} needs a VolumeSnapshotClass for ${show(driver)} with parameters ${show(parameters)}, but the app already has one with other parameters`,
        'use the same Ceph cluster and Secret for every volume with csiSnapshots(): Velero picks exactly one labelled VolumeSnapshotClass per driver',
      );
    }
    return obj;
  }

}

const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FIELDS: Array<{ name: string; min: number; max: number; names?: string[]; any?: boolean }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, any: true },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 0, max: 6, names: DAYS, any: true },
];

/** Why `value` is not a cron expression robfig/cron ParseStandard accepts; undefined when it is. */
function cronProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return 'it is empty';
  let spec = value.trim();
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(spec);
  if (tz) {
    if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz[1])) return `time zone ${show(tz[1])} is not an IANA zone name`;
    spec = tz[2].trim();
  }
  if (spec.startsWith('@')) {
    if (MACROS.includes(spec)) return undefined;
    const every = /^@every\s+(\S+)$/.exec(spec);
    if (every) {
      const ns = parseGoDuration(every[1]);
      return ns !== undefined && ns > 0 ? undefined : `@every needs a positive Go duration, got ${show(every[1])}`;
    }
    return `unknown macro ${show(spec)}`;
  }
  const fields = spec.split(/\s+/);
  if (fields.length !== 5) return `it has ${fields.length} fields, not 5`;
  for (let i = 0; i < 5; i++) {
    const problem = cronFieldProblem(fields[i], FIELDS[i]);
    if (problem) return `${FIELDS[i].name} ${problem}`;
  }
  return undefined;
}

function cronFieldProblem(field: string, f: { min: number; max: number; names?: string[]; any?: boolean }): string | undefined {
  const value = (s: string): number | undefined => {
    if (/^[0-9]+$/.test(s)) return Number(s);
    const i = f.names?.indexOf(s.toLowerCase()) ?? -1;
    return i >= 0 ? i + f.min : undefined;
  };
  for (const part of field.split(',')) {
    const m = /^([^/]+)(?:\/([^/]+))?$/.exec(part);
    if (!m) return `${show(part)} is malformed`;
    const [, range, step] = m;
    if (step !== undefined && (!/^[0-9]+$/.test(step) || Number(step) < 1)) return `step ${show(step)} is not a positive integer`;
    if (range === '*' || (range === '?' && f.any)) continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `${show(part)} is malformed`;
    const lo = value(bounds[0]);
    const hi = bounds.length === 2 ? value(bounds[1]) : lo;
    if (lo === undefined || hi === undefined) return `${show(part)} is not a number${f.names ? ' or name' : ''}`;
    if (lo < f.min || hi > f.max) return `${show(part)} is outside ${f.min}-${f.max}`;
    if (lo > hi) return `range ${show(part)} ends before it starts`;
  }
  return undefined;
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Nanoseconds of a Go duration (`time.ParseDuration`); undefined when invalid. */
function parseGoDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  let s = value;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  const re = /([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)/y;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m || m[1] === '' || m[1] === '.') return undefined;
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    pos = re.lastIndex;
  }
  return sign * total;
}

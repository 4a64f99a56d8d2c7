import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail, show } from './private/validation';

/**
 * Settings of the pod hardening that every workload of this library goes through.
 */
export interface PodHardeningOptions {
  /**
   * UID the containers run as (≥ 10000, so it never collides with a host user).
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * GID the containers run as (≥ 10000).
   * @default 10001
   */
  readonly runAsGroup?: number;
  /**
   * Group that owns mounted volumes, so a non-root user can write them (≥ 10000).
   * @default - the runAsGroup
   */
  readonly fsGroup?: number;
}

/** Environment variable names that look like they carry a secret (Polaris sensitiveContainerEnvVar). */
const SECRET_ENV = [/^AWS_SECRET_ACCESS_KEY$/i, /^GOOGLE_APPLICATION_CREDENTIALS$/i, /^AZURE_.+KEY$/i, /^OCI_CLI_KEY_CONTENT$/i, /password/i, /token/i, /bearer/i, /secret/i, /passwd/i, /private_?key/i, /api_?key/i, /credential/i];

/**
 * The one layer that hardens pod specs. Every workload of this library renders its pod template
 * through it, so the hardening lives in one place and does not depend on what cdk8s-plus can
 * express (cdk8s-plus-27 has no seccomp profile and no `drop: ["ALL"]`; a move to a newer
 * cdk8s-plus line changes nothing here).
 *
 * It runs on the object's final JSON (after escape-hatch patches), so a patch cannot quietly
 * weaken the pod: Pod Security "restricted" holds for every container, init container and
 * ephemeral container:
 * - pod: `runAsNonRoot`, `runAsUser`/`runAsGroup`/`fsGroup` ≥ 10000,
 *   `fsGroupChangePolicy: OnRootMismatch`, `seccompProfile: RuntimeDefault`,
 *   `automountServiceAccountToken: false`, no host namespaces;
 * - container: `allowPrivilegeEscalation: false`, `privileged: false`,
 *   `readOnlyRootFilesystem: true`, `capabilities.drop: ["ALL"]`, `runAsNonRoot`,
 *   `seccompProfile: RuntimeDefault`, `imagePullPolicy: Always`;
 * - refuses secrets in the environment (`secretKeyRef`, or literal values of variables whose
 *   names look secret), hostPath volumes and host ports.
 */
export class PodHardening {
  /** The smallest UID/GID accepted. */
  public static readonly MIN_ID = 10000;

  /** @internal Whether an environment variable name looks like it carries a secret. */
  public static _looksSecret(name: string): boolean {
    return SECRET_ENV.some((r) => r.test(name));
  }

  /**
   * Hardens the pod template of `target`: a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
   * CronJob or Pod ApiObject, or a construct that wraps one (a cdk8s-plus workload such as
   * `kplus.Deployment`).
   */
  public static apply(target: IConstruct, options: PodHardeningOptions = {}): void {
    const workload = target instanceof ApiObject ? target : ApiObject.of(target);
    const settings = PodHardening.settings(workload, options);
    const render = workload.toJson.bind(workload);
    (workload as { toJson: () => any }).toJson = () => {
      const json = render();
      const spec = PodHardening.podSpecOf(json);
      if (!spec) {
        fail(workload, `${json.kind} ${show(json.metadata?.name)} has no pod template`, 'apply PodHardening to a Pod or a workload with spec.template');
      }
      PodHardening.hardenPodSpec(workload, spec, settings);
      return json;
    };
  }

  private static settings(workload: ApiObject, options: PodHardeningOptions) {
    const id = (what: string, value: number | undefined, fallback: number) => {
      const v = value ?? fallback;
      if (!Number.isInteger(v) || v < PodHardening.MIN_ID || v > 2147483647) {
        fail(workload, `${what} ${show(v)} is out of range`, `use an integer from ${PodHardening.MIN_ID} to 2147483647, so the workload never runs as root or as a host user`);
      }
      return v;
    };
    const runAsUser = id('runAsUser', options.runAsUser, 10001);
    const runAsGroup = id('runAsGroup', options.runAsGroup, 10001);
    const fsGroup = id('fsGroup', options.fsGroup, runAsGroup);
    return { runAsUser, runAsGroup, fsGroup };
  }

  private static podSpecOf(json: any): any {
    if (json.kind === 'Pod') return json.spec;
    if (json.kind === 'CronJob') return json.spec?.jobTemplate?.spec?.template?.spec;
    return json.spec?.template?.spec;
  }

  private static hardenPodSpec(workload: ApiObject, spec: any, s: { runAsUser: number; runAsGroup: number; fsGroup: number }) {
    const seccompProfile = { type: 'RuntimeDefault' };
    for (const host of ['hostNetwork', 'hostPID', 'hostIPC']) {
      if (spec[host]) fail(workload, `pod sets ${host}: true`, `remove ${host}; host namespaces are forbidden by Pod Security "restricted"`);
      delete spec[host];
    }
    for (const v of spec.volumes ?? []) {
      if (v.hostPath) fail(workload, `volume ${show(v.name)} is a hostPath`, 'use a PersistentVolumeClaim (e.g. an EncryptedVolume), an emptyDir or a projected volume');
    }
    spec.automountServiceAccountToken = false;
    spec.securityContext = {
      ...spec.securityContext,
      runAsNonRoot: true,
      runAsUser: s.runAsUser,
      runAsGroup: s.runAsGroup,
      fsGroup: s.fsGroup,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile,
    };
    for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
      for (const c of spec[list] ?? []) {
        for (const e of c.env ?? []) {
          if (e.valueFrom?.secretKeyRef) {
            fail(workload, `container ${show(c.name)} reads Secret ${show(e.valueFrom.secretKeyRef.name)} into env var ${show(e.name)}`, 'mount the Secret as a read-only file instead (CIS 5.4.1): environment variables leak into logs, crash dumps and child processes');
          }
          if (e.value !== undefined && SECRET_ENV.some((r) => r.test(e.name))) {
            fail(workload, `container ${show(c.name)} has env var ${show(e.name)} with a literal value that looks like a secret`, 'never put secret values in manifests: reference a Secret and mount it as a read-only file');
          }
        }
        for (const p of c.ports ?? []) {
          if (p.hostPort) fail(workload, `container ${show(c.name)} uses hostPort ${show(p.hostPort)}`, 'remove hostPort and reach the pod through a Service');
        }
        c.imagePullPolicy = 'Always';
        c.securityContext = {
          ...c.securityContext,
          allowPrivilegeEscalation: false,
          privileged: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          runAsUser: s.runAsUser,
          runAsGroup: s.runAsGroup,
          capabilities: { drop: ['ALL'] },
          seccompProfile,
        };
        delete c.securityContext.procMount;
      }
    }
  }
}

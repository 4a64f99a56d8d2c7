import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { NOT_SECRET_ANNOTATION_PREFIX, notSecretNameProblem, secretEnv, secretNameReason } from './audit/secret-detector';
import { unshareJson } from './private/unshare';
import { fail, show, validateReason } from './private/validation';

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
  /**
   * Environment variables whose names look secret to the detector although their literal values
   * are not secrets, each with the reason (e.g. `{ PASSWORD_POLICY: 'names the policy, e.g.
   * strict; the password itself is mounted from a Secret' }`). Each is written onto the workload as
   * the annotation `not-secret.cdk8s-secure-baseline.io/<NAME>: <reason>`, which the audit
   * accepts too. Values in a credential format (a PEM private key, a URL with a password, AWS,
   * GitHub, Slack or JWT tokens) are refused whatever the name. Listing a variable the detector
   * does not flag is an error, so reasons never go stale.
   * @default - none
   */
  readonly notSecretEnv?: { [name: string]: string };
}

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
 * - refuses secrets in the environment (`secretKeyRef`, or literal values that the audit's
 *   secret detector flags by name or by credential format; `notSecretEnv` clears a name with a
 *   reason), hostPath volumes and host ports.
 */
export class PodHardening {
  /** The smallest UID/GID accepted. */
  public static readonly MIN_ID = 10000;

  /** @internal Whether an environment variable name looks like it carries a secret (the shared detector). */
  public static _looksSecret(name: string): boolean {
    return secretNameReason(name) !== undefined;
  }

  /**
   * @internal Checks a workload's plain environment at construction, with the shared detector:
   * fails for a variable that looks secret (unless `notSecretEnv` gives a reason for its name)
   * and for a `notSecretEnv` entry that is not needed. Returns the not-secret annotations.
   */
  public static _checkEnv(
    scope: IConstruct,
    env: { [name: string]: string } = {},
    notSecretEnv: { [name: string]: string } = {},
  ): { [key: string]: string } {
    const annotations = PodHardening.notSecretAnnotations(scope, notSecretEnv);
    for (const [name, value] of Object.entries(env)) {
      const found = secretEnv(name, value, annotations);
      if (found) {
        fail(scope, `env var ${show(name)} looks like a secret: ${found.why}`, PodHardening.secretFix(name, found.byName, 'keep the value in a Secret (or an ExternalSecret) and mount it with `secretMounts`'));
      }
    }
    for (const name of Object.keys(notSecretEnv)) {
      if (!(name in env)) {
        fail(scope, `notSecretEnv names ${show(name)}, which is not an env var of the workload`, 'remove it from notSecretEnv, or correct its spelling');
      }
      if (secretEnv(name, env[name]) === undefined) {
        fail(scope, `notSecretEnv gives a reason for env var ${show(name)}, which does not look like a secret`, 'remove it from notSecretEnv: only names the detector flags need a reason');
      }
    }
    return annotations;
  }

  /**
   * Hardens the pod template of `target`: a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
   * CronJob or Pod ApiObject, or a construct that wraps one (a cdk8s-plus workload such as
   * `kplus.Deployment`).
   */
  public static apply(target: IConstruct, options: PodHardeningOptions = {}): void {
    const workload = target instanceof ApiObject ? target : ApiObject.of(target);
    const settings = PodHardening.settings(workload, options);
    for (const [key, reason] of Object.entries(PodHardening.notSecretAnnotations(workload, options.notSecretEnv ?? {}))) {
      workload.metadata.addAnnotation(key, reason);
    }
    const render = workload.toJson.bind(workload);
    (workload as { toJson: () => any }).toJson = () => {
      const json = render();
      const spec = PodHardening.podSpecOf(json);
      if (!spec) {
        fail(workload, `${json.kind} ${show(json.metadata?.name)} has no pod template`, 'apply PodHardening to a Pod or a workload with spec.template');
      }
      PodHardening.hardenPodSpec(workload, spec, settings, json.metadata?.annotations ?? {}, Object.keys(options.notSecretEnv ?? {}));
      // No YAML anchors/aliases in the output, whatever edited the rendered JSON before.
      return unshareJson(json);
    };
  }

  /** Validates `notSecretEnv` and renders it as annotations. */
  private static notSecretAnnotations(scope: IConstruct, notSecretEnv: { [name: string]: string }): { [key: string]: string } {
    const annotations: { [key: string]: string } = {};
    for (const [name, reason] of Object.entries(notSecretEnv)) {
      const problem = notSecretNameProblem(name);
      if (problem) fail(scope, `notSecretEnv name ${show(name)} ${problem}`, 'rename the variable; a reason can only be recorded for names that fit an annotation key');
      annotations[NOT_SECRET_ANNOTATION_PREFIX + name] = validateReason(scope, `treating env var ${show(name)} as not secret`, reason);
    }
    return annotations;
  }

  private static secretFix(name: string, byName: boolean, move: string): string {
    return `never put secret values in manifests: ${move}`
      + (byName ? `. If the value is not a secret, say why with notSecretEnv: { ${name}: '<reason>' } (written as the annotation ${NOT_SECRET_ANNOTATION_PREFIX}${name})` : '');
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

  private static hardenPodSpec(
    workload: ApiObject,
    spec: any,
    s: { runAsUser: number; runAsGroup: number; fsGroup: number },
    annotations: { [key: string]: string },
    notSecret: string[],
  ) {
    const unused = new Set(notSecret);
    // A fresh object per use: YAML writes an object referenced twice as an anchor and an alias.
    const seccompProfile = () => ({ type: 'RuntimeDefault' });
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
      seccompProfile: seccompProfile(),
    };
    for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
      for (const c of spec[list] ?? []) {
        for (const e of c.env ?? []) {
          if (e.valueFrom?.secretKeyRef) {
            fail(workload, `container ${show(c.name)} reads Secret ${show(e.valueFrom.secretKeyRef.name)} into env var ${show(e.name)}`, 'mount the Secret as a read-only file instead (CIS 5.4.1): environment variables leak into logs, crash dumps and child processes');
          }
          const found = secretEnv(e.name, e.value, annotations);
          if (found) {
            fail(workload, `container ${show(c.name)} has env var ${show(e.name)} with a literal value that looks like a secret: ${found.why}${found.refusedReason ? `, and ${found.refusedReason}` : ''}`,
              PodHardening.secretFix(e.name, found.byName, 'reference a Secret and mount it as a read-only file'));
          }
          if (secretEnv(e.name, e.value) !== undefined) unused.delete(e.name);
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
          seccompProfile: seccompProfile(),
        };
        delete c.securityContext.procMount;
      }
    }
    for (const name of unused) {
      fail(workload, `notSecretEnv gives a reason for env var ${show(name)}, but no container sets it to a literal value that looks secret`,
        'remove it from notSecretEnv: only names the detector flags need a reason');
    }
  }
}

/**
 * Internal: the objects of an MtlsService besides what every workload shares (WorkloadCore) —
 * its ports, the main container with its probes, the Deployment or StatefulSet and the Service.
 */
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { acknowledgementAnnotation, RuleIds } from './acknowledge';
import { spreadAndAntiAffinity } from './pod-scheduling';
import { fail, show, validatePort, validateReason } from './validation';
import { WorkloadCore } from './workload';
import { HealthCheck } from '../health-check';
import type { WorkloadPort } from '../mesh/types';
import type { MtlsServiceProps } from '../mtls-service';
import { AppProtocol, ServiceExposure, ServicePortOptions, WorkloadKind } from '../service-options';

/** A port of the Service, as the mesh and the gateway routes see it. */
export interface ServicePortSpec {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
  readonly appProtocol: string;
}

/** Validates `port` / `ports`: container ports, service ports and names each used once. */
export function validateServicePorts(scope: IConstruct, props: MtlsServiceProps): WorkloadPort[] {
  if (props.port !== undefined && props.ports !== undefined) {
    fail(scope, 'both port and ports are set', 'use `port` for a single port or `ports` for several, not both');
  }
  const specs: ServicePortOptions[] = props.ports ?? (props.port !== undefined ? [{ port: props.port }] : []);
  if (specs.length === 0) fail(scope, 'no port is set', 'give the container port with `port: 8080` (or `ports`)');
  const protocolCount = new Map<string, number>();
  for (const s of specs) protocolCount.set(s.appProtocol ?? AppProtocol.HTTP, (protocolCount.get(s.appProtocol ?? AppProtocol.HTTP) ?? 0) + 1);
  const seenPorts = new Set<number>();
  const seenNames = new Set<string>();
  const seenServicePorts = new Set<number>();
  return specs.map((s, i) => {
    const port = validatePort(scope, `ports[${i}].port`, s.port);
    if (seenPorts.has(port)) fail(scope, `port ${show(port)} is declared twice`, 'declare each container port once');
    seenPorts.add(port);
    const servicePort = s.servicePort ?? port;
    if (seenServicePorts.has(servicePort)) fail(scope, `service port ${show(servicePort)} is declared twice`, 'give each port its own servicePort');
    seenServicePorts.add(servicePort);
    const appProtocol = s.appProtocol ?? AppProtocol.HTTP;
    const name = s.name ?? ((protocolCount.get(appProtocol) ?? 0) > 1 ? `${appProtocol}-${port}` : appProtocol);
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 15 || !/[a-z]/.test(name)) {
      fail(scope, `port name ${show(name)} is not a valid port name`, 'use at most 15 lowercase letters, digits and "-", with at least one letter');
    }
    if (seenNames.has(name)) fail(scope, `port name ${show(name)} is used twice`, 'give each port its own name');
    seenNames.add(name);
    return { name, containerPort: port, appProtocol };
  });
}

/** The Service ports of the validated container ports (`servicePort` validated here). */
export function servicePortsOf(scope: IConstruct, props: MtlsServiceProps, ports: WorkloadPort[]): ServicePortSpec[] {
  return ports.map((p, i) => ({
    name: p.name,
    port: (props.ports?.[i]?.servicePort !== undefined ? validatePort(scope, `ports[${i}].servicePort`, props.ports[i].servicePort!) : p.containerPort),
    targetPort: p.containerPort,
    appProtocol: p.appProtocol,
  }));
}

/** The main container with its ports (and the metrics port) and distinct readiness and liveness probes. */
export function serviceContainer(scope: IConstruct, core: WorkloadCore, props: MtlsServiceProps, ports: WorkloadPort[]): any {
  const firstPort = ports[0].containerPort;
  const container = core.container(props, {
    ports: [
      ...ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' })),
      ...(core.metrics ? [core.metrics.containerPort] : []),
    ],
    probes: {
      readinessProbe: (props.readiness ?? HealthCheck.tcp())._render(scope, 'readiness probe', firstPort, { initialDelaySeconds: 0, periodSeconds: 5, failureThreshold: 3 }),
      livenessProbe: (props.liveness ?? HealthCheck.tcp())._render(scope, 'liveness probe', firstPort, { initialDelaySeconds: 10, periodSeconds: 15, failureThreshold: 4 }),
    },
  });
  if (JSON.stringify(container.readinessProbe) === JSON.stringify(container.livenessProbe)) {
    fail(scope, 'the readiness and liveness probes are identical', 'make them differ (e.g. a /ready and a /healthz path, or different timings): a failing identical liveness probe restarts pods that are merely busy');
  }
  return container;
}

/** The Deployment (rolling, one surge) or StatefulSet (ordered) running `container`, hardened. */
export function createServiceWorkload(
  scope: Construct, core: WorkloadCore, props: MtlsServiceProps, kind: WorkloadKind, replicas: number, container: any,
): ApiObject {
  const name = core.name;
  const workload = new ApiObject(scope, kind, {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: core.namespace.name, labels: core.labels },
    spec: {
      replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: core.selectorLabels },
      ...(kind === WorkloadKind.DEPLOYMENT
        ? { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }
        : { serviceName: name, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate' } }),
      template: core.podTemplate(props, container, { tail: spreadAndAntiAffinity(core.selectorLabels) }),
    },
  });
  core.harden(workload, props);
  return workload;
}

/** The Service of `servicePorts` (and the metrics port); exposure outside the cluster is acknowledged with its reason. */
export function createService(scope: Construct, core: WorkloadCore, exposure: ServiceExposure, servicePorts: ServicePortSpec[]): ApiObject {
  const serviceAnnotations: Record<string, string> = {};
  if (exposure.type !== 'ClusterIP') {
    serviceAnnotations[acknowledgementAnnotation(RuleIds.SVC_EXPOSED)] = validateReason(scope, `a ${exposure.type} Service`, exposure.reason);
  }
  return new ApiObject(scope, 'Service', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: core.name,
      namespace: core.namespace.name,
      labels: core.labels,
      ...(Object.keys(serviceAnnotations).length ? { annotations: serviceAnnotations } : {}),
    },
    spec: {
      type: exposure.type,
      selector: core.selectorLabels,
      ports: [
        ...servicePorts,
        ...(core.metrics ? [core.metrics.servicePort] : []),
      ].map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: 'TCP', appProtocol: p.appProtocol })),
      ...(exposure.sourceRanges ? { loadBalancerSourceRanges: exposure.sourceRanges } : {}),
    },
  });
}

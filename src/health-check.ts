import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { fail, show, validatePort } from './private/validation';

/** A health check of the main container. */
export class HealthCheck {
  /** An HTTP GET of `path` on a container port. */
  public static http(path: string, options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ httpGet: { path } }, options);
  }

  /** A TCP connect to a container port. */
  public static tcp(options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ tcpSocket: {} }, options);
  }

  /** A gRPC health check (grpc.health.v1) on a container port. */
  public static grpc(options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ grpc: {} }, options);
  }

  /**
   * A command run inside the main container (healthy when it exits 0): the probe of workers and
   * other workloads without a port. The image must contain the command.
   */
  public static exec(command: string[], options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ exec: { command } }, options);
  }

  private constructor(private readonly handler: any, private readonly options: HealthCheckOptions) {}

  /** @internal Whether the check runs a command (no port). */
  public get _isExec(): boolean {
    return this.handler.exec !== undefined;
  }

  /** @internal */
  public _render(
    scope: Construct, what: string, defaultPort: number,
    defaults: { initialDelaySeconds: number; periodSeconds: number; failureThreshold: number },
  ): any {
    if (this.handler.exec) {
      const command = this.handler.exec.command;
      if (!Array.isArray(command) || command.length === 0 || command.some((c: unknown) => typeof c !== 'string' || c === '')) {
        fail(scope, `${what} command ${show(command)} is empty`, 'give the command and its arguments, e.g. ["/app/healthcheck", "--liveness"]');
      }
      if (this.options.port !== undefined) fail(scope, `${what} is a command but sets port ${show(this.options.port)}`, 'remove `port`: an exec probe runs inside the container');
    }
    const port = this.handler.exec ? 0 : validatePort(scope, `${what} port`, this.options.port ?? defaultPort);
    if (this.handler.httpGet && !String(this.handler.httpGet.path).startsWith('/')) {
      fail(scope, `${what} path ${show(this.handler.httpGet.path)} is not absolute`, 'give an absolute path such as "/healthz"');
    }
    const threshold = this.options.failureThreshold ?? defaults.failureThreshold;
    if (!Number.isInteger(threshold) || threshold < 1) fail(scope, `${what} failureThreshold ${show(threshold)} is below 1`, 'use a whole number of at least 1');
    const handler = this.handler.exec ? { exec: { command: [...this.handler.exec.command] } }
      : this.handler.httpGet ? { httpGet: { ...this.handler.httpGet, port } }
        : this.handler.grpc ? { grpc: { port } } : { tcpSocket: { port } };
    return {
      ...handler,
      initialDelaySeconds: this.options.initialDelay?.toSeconds() ?? defaults.initialDelaySeconds,
      periodSeconds: this.options.period?.toSeconds() ?? defaults.periodSeconds,
      timeoutSeconds: this.options.timeout?.toSeconds() ?? 2,
      failureThreshold: threshold,
    };
  }
}

/** Options of a health check. */
export interface HealthCheckOptions {
  /**
   * The container port probed (not for `HealthCheck.exec`).
   * @default - the first service port
   */
  readonly port?: number;
  /**
   * Delay before the first probe.
   * @default - 0s for readiness, 10s for liveness
   */
  readonly initialDelay?: Duration;
  /**
   * How often to probe.
   * @default - 5s for readiness, 15s for liveness
   */
  readonly period?: Duration;
  /**
   * Probe timeout.
   * @default Duration.seconds(2)
   */
  readonly timeout?: Duration;
  /**
   * Consecutive failures before the probe fails.
   * @default - 3 for readiness, 4 for liveness
   */
  readonly failureThreshold?: number;
}

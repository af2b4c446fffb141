/** Envoy's admin interface, as far as supervising a proxy goes. */
export interface ProxyAdmin {
  /** True when `GET /ready` answers 200 (Envoy is LIVE). */
  ready(port: number): Promise<boolean>;
  /** `POST /healthcheck/fail`: health checks fail from now on, so load balancers drain the proxy. */
  failHealthChecks(port: number): Promise<void>;
  /** `GET /config_dump?include_eds`: the resources the proxy runs, EDS endpoints included. */
  configDump(port: number): Promise<unknown>;
}

/** The admin interface over HTTP on loopback (the proxies run with host networking). */
export class HttpProxyAdmin implements ProxyAdmin {
  async ready(port: number): Promise<boolean> {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(1000) });
      await response.text();
      return response.ok;
    } catch {
      return false;
    }
  }

  async failHealthChecks(port: number): Promise<void> {
    const response = await fetch(`http://127.0.0.1:${port}/healthcheck/fail`, {
      method: 'POST',
      signal: AbortSignal.timeout(2000),
    });
    await response.text();
    if (!response.ok) throw new Error(`POST /healthcheck/fail answered ${response.status}`);
  }

  async configDump(port: number): Promise<unknown> {
    const response = await fetch(`http://127.0.0.1:${port}/config_dump?include_eds`, {
      signal: AbortSignal.timeout(5000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`GET /config_dump answered ${response.status}`);
    return JSON.parse(text) as unknown;
  }
}

import { rejectedObjects } from './resource-digests';

describe(rejectedObjects.name, () => {
  it('points at the resources that changed since the last accepted version', () => {
    const sent = { a: '1', b: '2', c: '3' };
    const acked = { a: '1', b: 'old' };
    expect(rejectedObjects('cluster', sent, acked, 'some error')).toEqual([
      { kind: 'cluster', name: 'b' },
      { kind: 'cluster', name: 'c' },
    ]);
  });

  it("narrows to the resources the proxy's error names", () => {
    const sent = { web: '1', api: '2' };
    expect(rejectedObjects('route', sent, {}, "route config 'api': invalid regex")).toEqual([
      { kind: 'route-configuration', name: 'api' },
    ]);
  });

  it('traces endpoints to their cluster, and blames everything sent when nothing changed', () => {
    expect(rejectedObjects('endpoint', { backend: '1' }, { backend: '1' }, 'x')).toEqual([
      { kind: 'cluster', name: 'backend' },
    ]);
  });
});

import { ControlPlaneError } from './control-plane-client';
import { LifecycleReport, LifecycleReporter } from './lifecycle-reporter';

describe(LifecycleReporter.name, () => {
  it('keeps the latest report of each proxy while the control plane is away and sends it later', async () => {
    const sent: [string, LifecycleReport][] = [];
    let up = false;
    const reporter = new LifecycleReporter(async (proxyId, report) => {
      if (!up) throw new Error('ECONNREFUSED');
      sent.push([proxyId, report]);
    });
    await reporter.report('p-1', { state: 'crashed', restartCount: 1 });
    await reporter.report('p-1', { state: 'running', restartCount: 1 });
    expect(sent).toEqual([]);
    up = true;
    await reporter.flush();
    expect(sent).toEqual([['p-1', { state: 'running', restartCount: 1 }]]);
    expect(reporter.backlog.size).toBe(0);
  });

  it('drops reports on proxies the API no longer knows', async () => {
    const reporter = new LifecycleReporter(async () => {
      throw new ControlPlaneError(404, 'gone');
    });
    await reporter.report('p-1', { state: 'stopped', restartCount: 0 });
    expect(reporter.backlog.size).toBe(0);
  });
});

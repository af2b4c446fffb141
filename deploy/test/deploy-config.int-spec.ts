import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse } from 'yaml';
import { familyCandidates, metricNamesIn } from './promql-names';

const ROOT = join(__dirname, '..', '..');
const DEPLOY = join(ROOT, 'deploy');
const RULES_DIR = join(DEPLOY, 'prometheus', 'rules');
const DASHBOARDS_DIR = join(DEPLOY, 'grafana', 'dashboards');
const APPS = ['api-gateway', 'xds-server', 'webhook-service', 'metrics-service', 'node-agent'];

/** Runs a Debian tool; a missing one fails with how to get it, never skips. */
function run(tool: string, pkg: string, args: string[]): string {
  const result = spawnSync(tool, args, { cwd: DEPLOY, encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${tool} is not installed: apt-get install -y ${pkg} (.ci/run installs it)`);
  }
  if (result.status !== 0)
    throw new Error(`${tool} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
}
const ruleFiles = readdirSync(RULES_DIR).filter((f) => f.endsWith('.yml'));
const rules: Rule[] = ruleFiles.flatMap((file) =>
  (parse(readFileSync(join(RULES_DIR, file), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
    (group) => group.rules,
  ),
);

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource: { uid: string };
  targets: { expr: string; refId: string }[];
}
const dashboards = readdirSync(DASHBOARDS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, json: JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) }));

/** Metric families the code registers: `'fleet_...'` string literals in apps/ and libs/ sources. */
function registeredNames(): Set<string> {
  const names = new Set<string>();
  const sources = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', 'apps', 'libs'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  )
    .split('\n')
    .filter((f) => f.endsWith('.ts') && !/\.(spec|int-spec)\.ts$/.test(f) && !f.includes('/generated/'));
  for (const file of sources) {
    let text: string;
    try {
      text = readFileSync(join(ROOT, file), 'utf8');
    } catch {
      continue; // listed but deleted in the working tree
    }
    for (const match of text.matchAll(/['"`](fleet_[a-z0-9_]+)['"`]/g)) names.add(match[1]);
  }
  const defaults = new Registry();
  collectDefaultMetrics({ register: defaults });
  for (const metric of defaults.getMetricsAsArray()) names.add(metric.name);
  for (const rule of rules) if (rule.record) names.add(rule.record);
  // Made by Prometheus itself, and the envoy_* families of metrics-service's StreamMetrics sink.
  for (const name of ['up', 'scrape_duration_seconds', 'ALERTS']) names.add(name);
  return names;
}

describe('deploy configuration', () => {
  it('prometheus.yml passes promtool check config and scrapes every app', () => {
    const out = run('promtool', 'prometheus', ['check', 'config', 'prometheus/prometheus.yml']);
    expect(out).toContain('SUCCESS');
    const config = parse(readFileSync(join(DEPLOY, 'prometheus', 'prometheus.yml'), 'utf8'));
    const jobs = (config.scrape_configs as { job_name: string }[]).map((job) => job.job_name);
    expect(jobs.sort()).toEqual([...APPS].sort());
  });

  it('every rule file passes promtool check rules', () => {
    run('promtool', 'prometheus', [
      'check',
      'rules',
      ...ruleFiles.map((f) => join('prometheus', 'rules', f)),
    ]);
    const alerts = rules.flatMap((rule) => (rule.alert ? [rule.alert] : []));
    for (const expected of [
      'XdsConfigRejected',
      'FleetProxiesStale',
      'OutboxLagging',
      'WebhookDeliveriesFailing',
      'ApiAvailabilityBudgetBurnFast',
      'ApiLatencyBudgetBurnFast',
    ]) {
      expect(alerts).toContain(expected);
    }
  });

  it('alertmanager.yml passes amtool check-config and routes to webhook-service', () => {
    run('amtool', 'prometheus-alertmanager', ['check-config', 'alertmanager/alertmanager.yml']);
    const config = parse(readFileSync(join(DEPLOY, 'alertmanager', 'alertmanager.yml'), 'utf8'));
    expect(config.route.group_by).toEqual(['alertname', 'tenant']);
    expect(JSON.stringify(config.receivers)).toContain('http://webhook-service:3002/v1/alertmanager');
  });

  it('dashboards are Grafana dashboards over the provisioned Prometheus data source', () => {
    const datasources = parse(
      readFileSync(join(DEPLOY, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8'),
    );
    const uid = datasources.datasources[0].uid;
    expect(dashboards.map((d) => d.file).sort()).toEqual([
      'fleet-api.json',
      'fleet-overview.json',
      'fleet-webhooks.json',
      'fleet-xds.json',
    ]);
    const uids = new Set<string>();
    for (const { json } of dashboards) {
      expect(typeof json.title).toBe('string');
      uids.add(json.uid);
      const panels = json.panels as Panel[];
      expect(panels.length).toBeGreaterThan(0);
      expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
      for (const panel of panels) {
        expect(panel.datasource.uid).toBe(uid);
        expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
        expect(panel.targets.length).toBeGreaterThan(0);
        for (const target of panel.targets) expect(target.expr.trim()).not.toBe('');
      }
    }
    expect(uids.size).toBe(dashboards.length);
  });

  it('every metric a rule or dashboard queries is one the code registers', () => {
    const registered = registeredNames();
    const queries = [
      ...rules.map((rule) => ({ where: rule.record ?? rule.alert, expr: rule.expr })),
      ...dashboards.flatMap(({ file, json }) =>
        (json.panels as Panel[]).flatMap((panel) =>
          panel.targets.map((target) => ({ where: `${file}: ${panel.title}`, expr: target.expr })),
        ),
      ),
    ];
    const unknown = queries.flatMap(({ where, expr }) =>
      metricNamesIn(expr)
        .filter((name) => !name.startsWith('envoy_'))
        .filter((name) => !familyCandidates(name).some((candidate) => registered.has(candidate)))
        .map((name) => `${name} (${where})`),
    );
    expect(unknown).toEqual([]);
  });
});

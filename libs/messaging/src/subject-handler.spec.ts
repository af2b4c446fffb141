import { AppMetrics } from '@envoy-fleet/observability';
import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EVENT_BUS, EventBus } from './event-bus';
import { InProcessEventBus } from './in-process/in-process-event-bus';
import { SubjectHandler } from './subject-handler';

@Injectable()
class FailingOnOdd extends SubjectHandler<{ n: number }> {
  readonly subscribeOptions = { subject: 'fleet.test.happened.*' };
  readonly seen: number[] = [];

  constructor(@Inject(EVENT_BUS) bus: EventBus) {
    super(bus);
  }

  async handle(payload: { n: number }): Promise<void> {
    this.seen.push(payload.n);
    if (payload.n % 2 === 1) throw new Error('odd');
  }
}

describe(SubjectHandler.name, () => {
  it('counts handled events by subject without the tenant, and by outcome', async () => {
    const bus = await InProcessEventBus.open();
    const metrics = new AppMetrics('test');
    @Module({
      providers: [
        { provide: EVENT_BUS, useValue: bus },
        { provide: AppMetrics, useValue: metrics },
        FailingOnOdd,
      ],
    })
    class TestModule {}
    const app = await NestFactory.createApplicationContext(TestModule, { logger: false });
    await app.init();
    const handler = app.get(FailingOnOdd);
    await bus.publish('fleet.test.happened.tenant-a', { n: 2 }, 'm1');
    await bus.publish('fleet.test.happened.tenant-b', { n: 1 }, 'm2');
    for (let i = 0; i < 100 && handler.seen.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await app.close();
    await bus.close();
    const consumed = await metrics.events.consumed.get();
    const count = (outcome: string) =>
      consumed.values.find((v) => v.labels.outcome === outcome && v.labels.subject === 'fleet.test.happened')
        ?.value;
    expect(count('ok')).toBe(1);
    expect(count('failed')).toBe(1);
  });
});

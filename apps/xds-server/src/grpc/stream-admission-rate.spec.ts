import { StreamAdmissionRate } from './stream-admission-rate';

describe(StreamAdmissionRate.name, () => {
  it('admits a burst up to the rate, refuses the rest with UNAVAILABLE, and refills over time', () => {
    let now = 0;
    const rate = new StreamAdmissionRate(10, () => now);
    for (let i = 0; i < 10; i++) rate.take();
    expect(() => rate.take()).toThrow(expect.objectContaining({ code: 'UNAVAILABLE' }));
    now += 500;
    for (let i = 0; i < 5; i++) rate.take();
    expect(() => rate.take()).toThrow(/retry/);
  });

  it('admits everything when the rate is 0 (off)', () => {
    const rate = new StreamAdmissionRate(0);
    for (let i = 0; i < 1000; i++) rate.take();
  });
});

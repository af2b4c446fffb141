// Preloaded (`node --require`) into api-gateway when API_BENCH_PROFILE names a folder: profiles the
// process from the start and writes `<folder>/api-gateway-<pid>.cpuprofile` on SIGWINCH (open it
// in Chrome DevTools or speedscope). SIGWINCH because Nest's shutdown hooks take SIGUSR2; `--cpu-prof` alone writes nothing when Nest
// ends the process by re-raising SIGTERM.
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const folder = process.env.API_BENCH_PROFILE;
if (folder) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.on('SIGWINCH', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error) return console.error(error);
      writeFileSync(join(folder, `api-gateway-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      session.post('Profiler.start');
    });
  });
}

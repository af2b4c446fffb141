// Runs every project's tests in one Jest process; each project has its own jest.config.js.
module.exports = {
  projects: [
    '<rootDir>/apps/*/jest.config.js',
    '<rootDir>/libs/*/jest.config.js',
    '<rootDir>/e2e/jest.config.js',
    '<rootDir>/deploy/jest.config.js',
  ],
  reporters: ['default', '<rootDir>/tools/jest-summary-reporter.js'],
  // Jest takes testTimeout from the root config when it runs several projects (the projects' own
  // values apply only when one is run alone): the e2e tests start processes on a shared machine.
  testTimeout: 60_000,
};

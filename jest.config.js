// Runs every project's tests in one Jest process; each project has its own jest.config.js.
module.exports = {
  projects: [
    '<rootDir>/apps/*/jest.config.js',
    '<rootDir>/libs/*/jest.config.js',
    '<rootDir>/e2e/jest.config.js',
    '<rootDir>/deploy/jest.config.js',
  ],
  reporters: ['default', '<rootDir>/tools/jest-summary-reporter.js'],
};

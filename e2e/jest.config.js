// Whole-system tests: real processes of the built apps (npm run build first) against real services.
module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  testMatch: ['**/*.e2e-spec.ts'],
  testTimeout: 60_000,
};

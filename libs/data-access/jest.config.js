module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'data-access',
  rootDir: __dirname,
  // Each integration suite creates and drops its own database; give them room on a 2-core machine.
  testTimeout: 30000,
};

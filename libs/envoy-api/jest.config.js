module.exports = { ...require('../../jest.preset.js'), displayName: 'envoy-api', rootDir: __dirname };

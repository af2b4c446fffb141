module.exports = { ...require('../../jest.preset.js'), displayName: 'webhook-service', rootDir: __dirname };

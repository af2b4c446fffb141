module.exports = { ...require('../../jest.preset.js'), displayName: 'metrics-service', rootDir: __dirname };

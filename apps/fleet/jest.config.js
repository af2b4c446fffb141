module.exports = { ...require('../../jest.preset.js'), displayName: 'fleet', rootDir: __dirname };

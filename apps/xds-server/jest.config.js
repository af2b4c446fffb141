module.exports = { ...require('../../jest.preset.js'), displayName: 'xds-server', rootDir: __dirname };

module.exports = { ...require('../../jest.preset.js'), displayName: 'db-migrations', rootDir: __dirname };

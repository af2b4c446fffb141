// Checks of deploy/: promtool, amtool, the dashboards, and that every metric they query exists.
module.exports = { ...require('../jest.preset.js'), displayName: 'deploy', rootDir: __dirname };

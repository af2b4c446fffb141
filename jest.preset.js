// Shared Jest settings for every project: SWC for speed (with decorator metadata for NestJS),
// and the @envoy-fleet/* aliases mapped to each lib's public entry point.
const path = require('node:path');
const fs = require('node:fs');

const swcrc = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@envoy-fleet/([a-z-]+)$': path.join(__dirname, 'libs/$1/src/index.ts'),
  },
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts'],
  setupFiles: ['reflect-metadata'],
};

import { runApp } from '@envoy-fleet/observability';
import { app } from './app';

runApp(app);

import { latencySweep } from './sweep.ts';

latencySweep([]);
latencySweep(['recheck-each-endpoint']);

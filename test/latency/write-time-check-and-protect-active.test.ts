import { latencySweep } from './sweep.ts';

latencySweep(['write-time-check']);
latencySweep(['protect-active']);

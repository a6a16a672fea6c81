import { latencySweep } from './sweep.ts';

latencySweep(['never-empty']);
latencySweep(['self-heal']);

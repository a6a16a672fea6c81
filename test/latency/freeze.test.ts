// oct-2025-freeze holds by cause too: whatever the latency, the operator throws
// the kill switch after the regional endpoint went empty, and az-a, az-b's
// clean-up and the Planner each stop at it before their next change.
import { latencySweep } from './sweep.ts';

latencySweep([], 'oct-2025-freeze');

// The kill switch in memory, held to the DynamoDB adapter's behaviour by the
// contract test (test/contract/kill-switch.test.ts).
import { RELEASED } from '../lambdas/core/kill-switch.ts';
import type { KillSwitchControl, KillSwitchState } from '../lambdas/core/ports.ts';

export class MemoryKillSwitch implements KillSwitchControl {
  private state: KillSwitchState = RELEASED;

  async read(): Promise<KillSwitchState> {
    return { ...this.state };
  }

  async set(state: KillSwitchState): Promise<void> {
    this.state = { ...state };
  }
}

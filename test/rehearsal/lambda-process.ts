// A deployed function, rehearsed: its bundled asset runs in child processes
// (lambda-runtime.mjs), each with exactly the environment given, as warm Lambda
// containers do: one invocation at a time per process, a new process when all
// are busy, kept for the next invocation.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNTIME = fileURLToPath(new URL('./lambda-runtime.mjs', import.meta.url));

interface Reply {
  id?: number;
  ready?: boolean;
  result?: unknown;
  error?: { errorType: string; errorMessage: string };
}

export class LambdaFailure extends Error {
  constructor(errorType: string, message: string) {
    super(message);
    this.name = errorType;
  }
}

export class RehearsedFunction {
  private readonly idle: ChildProcess[] = [];
  private readonly all: ChildProcess[] = [];
  private nextId = 0;
  /** Everything the processes wrote, for a failing test to show. */
  readonly output: string[] = [];

  constructor(
    readonly name: string,
    private readonly assetDir: string,
    private readonly handler: string,
    private readonly env: Record<string, string>,
  ) {}

  async invoke(event: unknown): Promise<unknown> {
    const child = this.idle.pop() ?? (await this.start());
    try {
      return await this.call(child, event);
    } finally {
      this.idle.push(child);
    }
  }

  close(): void {
    for (const child of this.all) child.kill();
  }

  private start(): Promise<ChildProcess> {
    // PATH only so that node can be found by anything the code spawns; nothing else of ours leaks in.
    const child = fork(RUNTIME, [this.assetDir, this.handler], {
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.all.push(child);
    for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`${this.name}: the runtime exited (${code}) before it was ready:\n${this.output.join('')}`)));
      child.once('message', (reply: Reply) => (reply.ready ? resolve(child) : reject(new Error(`${this.name}: unexpected first message`))));
    });
  }

  private call(child: ChildProcess, event: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${this.name}: the runtime exited (${code}) during an invocation:\n${this.output.join('')}`));
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (reply.error) reject(new LambdaFailure(reply.error.errorType, reply.error.errorMessage));
        else resolve(reply.result);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ id, event });
    });
  }
}

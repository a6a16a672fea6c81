// Types of bin/build.js (plain JavaScript: npm's bin shim loads it before any TypeScript can be).
export declare const ROOT: string;
export declare function currentBuild(): string | undefined;
export declare function buildIsStale(): boolean;
export declare function build(): Promise<string>;
export declare function runEntry(name: 'racelab' | 'app'): Promise<void>;
export declare function buildInputs(dir: string): string[];

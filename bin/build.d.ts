// Types of bin/build.js (plain JavaScript: npm's bin shim loads it before any TypeScript can be).
export declare const ROOT: string;
export declare function currentBuild(): string | undefined;
export declare function buildIsStale(): boolean;
export declare function build(): Promise<string>;
export declare function buildJudge(): Promise<string>;
export declare function runEntry(name: 'racelab' | 'app' | 'judge'): Promise<void>;
export declare function buildInputs(dir: string): string[];
/** The esbuild plugin that leaves packages a bundled package imports but the CLI never calls out of the bundle, until first use. */
export declare const deferring: import('esbuild').Plugin;
/** The esbuild plugin that gives the bundle's imports of node:process the global `process`'s values. */
export declare const processFromGlobal: import('esbuild').Plugin;

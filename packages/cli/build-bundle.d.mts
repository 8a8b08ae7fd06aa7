/** The bundled CLI's file URL (dist/ksim.mjs). */
export declare const BUNDLE: string;
/** Whether dist/ksim.mjs is newer than every source file of every package. */
export declare function bundleIsFresh(): boolean;
/** Bundles the CLI and everything it imports into one ES module runnable with plain node. */
export declare function buildBundle(): Promise<void>;
/** Bundles `entry` (and what it imports, but `external`) into `outfile` as the CLI is bundled. */
export declare function bundle(entry: string, outfile: string, external?: readonly string[]): Promise<void>;

import { hashString } from "./assoc.js";
import { bashAtLeast, type BashBuild } from "./bash-builds.js";
import type { Flavor } from "./messages.js";

interface Entry {
  readonly path: string;
  hits: number;
  /** Insertion stamp: newer entries come first in a bash bucket, later ones last in a dash one. */
  readonly order: number;
}

/**
 * The table of commands a shell found on PATH (bash's hashed_filenames, dash's cmdtable): the
 * next run of a name takes the remembered file without searching, however the filesystem has
 * changed since, which is why a moved program gives "No such file or directory" until `hash -r`.
 * A subshell starts with its parent's table and changes only its own copy.
 */
export class CommandHash {
  private entries: Map<string, Entry>;
  private owned: boolean;
  private stamp = 0;

  constructor(from?: CommandHash) {
    this.entries = from?.entries ?? new Map();
    this.owned = from === undefined;
    this.stamp = from?.stamp ?? 0;
  }

  /** The copy a subshell gets: shared until either side writes. */
  fork(): CommandHash {
    this.owned = false;
    return new CommandHash(this);
  }

  get size(): number {
    return this.entries.size;
  }

  path(name: string): string | undefined {
    return this.entries.get(name)?.path;
  }

  /** A run of a hashed name: counted as a hit. */
  used(name: string): void {
    this.own().get(name)!.hits++;
  }

  add(name: string, path: string, hits: number): void {
    this.own().set(name, { path, hits, order: this.stamp++ });
  }

  delete(name: string): boolean {
    return this.entries.has(name) && this.own().delete(name);
  }

  clear(): void {
    if (this.entries.size === 0) return;
    this.entries = new Map();
    this.owned = true;
  }

  /**
   * The entries as the shell walks its table: bash's FNV-1 buckets (256 since 5.0; 64 before,
   * unverified), newest first in a bucket; dash's 31 buckets keyed on the name's first byte and
   * byte sum, oldest first.
   */
  list(flavor: Flavor, build: BashBuild): { name: string; path: string; hits: number }[] {
    const rows = [...this.entries].map(([name, e]) => ({ name, ...e }));
    if (flavor === "bash") {
      const mask = (bashAtLeast(build, 5, 0) ? 256 : 64) - 1;
      return rows.sort((a, b) => (hashString(a.name) & mask) - (hashString(b.name) & mask) || b.order - a.order);
    }
    const bucket = (name: string) => {
      let h = name.charCodeAt(0) << 4;
      for (let i = 0; i < name.length; i++) h += name.charCodeAt(i);
      return (h & 0x7fff) % 31;
    };
    return rows.sort((a, b) => bucket(a.name) - bucket(b.name) || a.order - b.order);
  }

  private own(): Map<string, Entry> {
    if (!this.owned) {
      this.entries = new Map([...this.entries].map(([k, e]) => [k, { ...e }]));
      this.owned = true;
    }
    return this.entries;
  }
}

import type { Connection } from "@ksim/sim";
import type { MessagePoolView, MessagingView } from "../core/admin.js";
import type { Envelope } from "../core/messages.js";

/**
 * OutboundTcpConnectionPool's three connections per peer, counted as MessagingServiceMBean
 * reports them: a message is pending while its connection is still being made, completed once
 * it goes out on an open one, dropped if the connection fails with it still queued.
 *
 * Gossip (and its echo) has a connection of its own; everything else here is a small message,
 * which holds while no single cell outgrows LARGE_MESSAGE_THRESHOLD (64 KiB). Streams have
 * their own sockets and are not messages.
 */

type Pool = keyof MessagingView;

const GOSSIP_VERBS: ReadonlySet<string> = new Set(["GOSSIP_DIGEST_SYN", "GOSSIP_DIGEST_ACK", "GOSSIP_DIGEST_ACK2", "GOSSIP_SHUTDOWN", "ECHO"]);
const STREAM_VERBS: ReadonlySet<string> = new Set(["STREAM_REQUEST", "STREAM_DATA"]);

export class OutboundPools {
  private readonly completed = { large: 0, small: 0, gossip: 0 };
  private readonly dropped = { large: 0, small: 0, gossip: 0 };
  /** Messages waiting on connections that are not open yet. */
  private readonly waiting = new Map<Connection, Pool[]>();

  /** Counts `env`, about to be sent on `conn`. */
  sent(conn: Connection, env: Envelope): void {
    const verb = env.payload.verb;
    if (STREAM_VERBS.has(verb)) return;
    const pool: Pool = GOSSIP_VERBS.has(verb) ? "gossip" : "small";
    if (conn.state === "open") {
      this.completed[pool]++;
      return;
    }
    const queued = this.waiting.get(conn);
    if (queued === undefined) this.waiting.set(conn, [pool]);
    else queued.push(pool);
  }

  opened(conn: Connection): void {
    for (const pool of this.waiting.get(conn) ?? []) this.completed[pool]++;
    this.waiting.delete(conn);
  }

  /** closeSocket: the backlog is cleared without counting it dropped. */
  discard(conn: Connection): void {
    this.waiting.delete(conn);
  }

  closed(conn: Connection): void {
    for (const pool of this.waiting.get(conn) ?? []) this.dropped[pool]++;
    this.waiting.delete(conn);
  }

  view(): MessagingView {
    const pending = { large: 0, small: 0, gossip: 0 };
    for (const queued of this.waiting.values()) for (const pool of queued) pending[pool]++;
    const of = (pool: Pool): MessagePoolView => ({ pending: pending[pool], completed: this.completed[pool], dropped: this.dropped[pool] });
    return { large: of("large"), small: of("small"), gossip: of("gossip") };
  }
}

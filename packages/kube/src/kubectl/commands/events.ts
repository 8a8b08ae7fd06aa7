import type { Proc } from "@ksim/sim";
import { resolveResource } from "../../api/resources.js";
import { parseTime } from "../../api/time.js";
import type { Event } from "../../api/types.js";
import { age, tableWriter } from "../output/index.js";
import { ALL_NAMESPACES_FLAG, type Command, type Invocation } from "./command.js";

/**
 * `kubectl events` (kubectl pkg/cmd/events): the namespace's events oldest first, `--for` one
 * object, `--types` some types; `LAST SEEN` says how often a repeated event was seen.
 */
export const eventsCommand: Command = {
  name: "events",
  short: "List events",
  usage: "[(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file] [--for TYPE/NAME] [--watch] [--types=Normal,Warning]",
  flags: [ALL_NAMESPACES_FLAG, { name: "for", type: "string" }, { name: "types", type: "string" }, { name: "no-headers", type: "bool" }],
  run: runEvents,
};

function* runEvents(inv: Invocation): Proc<number> {
  const { s, flags } = inv;
  const all = flags.bool("all-namespaces");
  const types = flags.string("types").split(",").filter((t) => t !== "");
  for (const t of types) {
    if (!["normal", "warning"].includes(t.toLowerCase())) throw new Error(`valid --types are Normal or Warning`);
  }
  let forKind: string | undefined;
  let forName: string | undefined;
  const target = flags.string("for");
  if (target !== "") {
    const slash = target.indexOf("/");
    if (slash < 0) throw new Error(`--for must be in resource/name form`);
    const [type] = resolveResource(target.slice(0, slash));
    if (type === undefined) throw new Error(`the server doesn't have a resource type ${JSON.stringify(target.slice(0, slash))}`);
    forKind = type.kind;
    forName = target.slice(slash + 1);
  }
  const events = s
    .list<Event>("Event", all ? undefined : s.namespace)
    .filter((e) => forKind === undefined || (e.involvedObject.kind === forKind && e.involvedObject.name === forName))
    .filter((e) => types.length === 0 || types.some((t) => t.toLowerCase() === (e.type ?? "").toLowerCase()))
    .sort((a, b) => lastSeen(a) - lastSeen(b));
  if (events.length === 0) {
    s.err(all ? "No events found.\n" : `No events found in ${s.namespace} namespace.\n`);
    return 0;
  }
  const now = s.now();
  const w = tableWriter();
  if (!flags.bool("no-headers")) w.write(`${all ? "NAMESPACE\t" : ""}LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n`);
  for (const e of events) {
    const first = age(e.eventTime ?? e.firstTimestamp, now);
    const seen = (e.count ?? 1) > 1 ? `${age(e.lastTimestamp, now)} (x${e.count} over ${first})` : first;
    w.write(`${all ? `${e.metadata.namespace}\t` : ""}${seen}\t${e.type ?? ""}\t${e.reason ?? ""}\t${e.involvedObject.kind}/${e.involvedObject.name}\t${(e.message ?? "").trim()}\n`);
  }
  s.out(w.flush());
  return 0;
}

/** eventTime for sorting: the last time it was seen, else when it happened. */
function lastSeen(e: Event): number {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
  return t ? parseTime(t) : 0;
}

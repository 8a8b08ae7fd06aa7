import type { Sim } from "@ksim/sim";
import type { EventRecorder } from "../api/events.js";
import type { ApiServer } from "../api/server.js";

/** What every control-plane component gets: the API, the event recorder, the kernel. */
export interface ControllerContext {
  readonly sim: Sim;
  readonly api: ApiServer;
  readonly events: EventRecorder;
}

import { PluginRegistry } from "../plugins.js";
import { registerCassandraPlugins } from "./cassandra.js";
import { registerGenericPlugins } from "./generic.js";
import { registerMySqlPlugins } from "./mysql.js";
import { registerZooKeeperPlugins } from "./zookeeper.js";

/** Every workload and check the bundled applications provide. */
export function standardPlugins(): PluginRegistry {
  const registry = new PluginRegistry();
  registerGenericPlugins(registry);
  registerZooKeeperPlugins(registry);
  registerMySqlPlugins(registry);
  registerCassandraPlugins(registry);
  return registry;
}

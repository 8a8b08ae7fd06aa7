export * from "./core/index.js";
export { DataDir, StorageError, type DataDirOptions } from "./storage/index.js";
export { registerZooKeeper, ZOOKEEPER_REPOSITORIES, type ZooKeeperImageOptions } from "./image/index.js";
export { ZooKeeperClient, type ClientNet, type ClientOptions, type Reply } from "./client/index.js";
export * from "./workload/index.js";

export { ZooKeeperClient, type ClientNet, type ClientOptions, type ClientLog, type Reply, type ClientState } from "./client.js";

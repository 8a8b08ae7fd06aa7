/**
 * MySQL 8 and WordPress for ksim: the images (`mysql`, `wordpress`) with their programs, the
 * MySQL client library, and the workloads and checkers scenarios use to rehearse what happens to
 * the tutorial's data when its pods are deleted, drained or crashed.
 */
export { registerMySQL } from "./image/mysql-image.js";
export { registerWordPress } from "./image/wordpress-image.js";
export { MysqlConnection, type ClientNet, type ConnectOptions, type QueryOutcome, type QueryResult } from "./client/connection.js";
export { SqlError, formatError } from "./sql/errors.js";
export { MYSQL_VERSION } from "./server/server.js";
export { insertWorkload, readInserts, checkInserts, hostNet, type InsertWorkloadOptions, type InsertInput } from "./workload/inserts.js";
export { postsWorkload, verifyPosts, checkPosts, checkAvailability, type PostsWorkloadOptions, type AvailabilityBudget } from "./workload/posts.js";

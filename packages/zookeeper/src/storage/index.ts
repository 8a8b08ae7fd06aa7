export { DataDir, StorageError, ioMessage, type DataDirOptions, type StorageLog } from "./data-dir.js";
export { TxnLog, scanLog } from "./txn-log.js";
export { encodeSnapshot, decodeSnapshot } from "./snapshot.js";
export { fileName, zxidOfName, listByZxid, type Dir } from "./dir.js";

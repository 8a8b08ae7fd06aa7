/** KeeperException codes (org.apache.zookeeper.KeeperException.Code), as carried in reply headers. */
export const Code = {
  OK: 0,
  SYSTEMERROR: -1,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  SESSIONMOVED: -118,
} as const;

export type Code = (typeof Code)[keyof typeof Code];

const NAMES: Record<number, string> = {
  [Code.OK]: "OK",
  [Code.SYSTEMERROR]: "SystemError",
  [Code.CONNECTIONLOSS]: "ConnectionLoss",
  [Code.MARSHALLINGERROR]: "MarshallingError",
  [Code.UNIMPLEMENTED]: "Unimplemented",
  [Code.OPERATIONTIMEOUT]: "OperationTimeout",
  [Code.BADARGUMENTS]: "BadArguments",
  [Code.NONODE]: "NoNode",
  [Code.NOAUTH]: "NoAuth",
  [Code.BADVERSION]: "BadVersion",
  [Code.NOCHILDRENFOREPHEMERALS]: "NoChildrenForEphemerals",
  [Code.NODEEXISTS]: "NodeExists",
  [Code.NOTEMPTY]: "Directory not empty",
  [Code.SESSIONEXPIRED]: "Session expired",
  [Code.INVALIDACL]: "InvalidACL",
  [Code.AUTHFAILED]: "AuthFailed",
  [Code.SESSIONMOVED]: "Session moved",
};

/** The text KeeperException.getCodeMessage gives, as in "KeeperErrorCode = NoNode for /x". */
export function codeMessage(code: number): string {
  return NAMES[code] ?? `Unknown error ${code}`;
}

/** The Java exception class name for a code, as printed in "Exception in thread main" traces. */
export function exceptionClass(code: number): string {
  const simple: Record<number, string> = {
    [Code.CONNECTIONLOSS]: "ConnectionLossException",
    [Code.OPERATIONTIMEOUT]: "OperationTimeoutException",
    [Code.SESSIONEXPIRED]: "SessionExpiredException",
    [Code.NONODE]: "NoNodeException",
    [Code.NODEEXISTS]: "NodeExistsException",
    [Code.NOTEMPTY]: "NotEmptyException",
    [Code.BADVERSION]: "BadVersionException",
    [Code.NOCHILDRENFOREPHEMERALS]: "NoChildrenForEphemeralsException",
    [Code.BADARGUMENTS]: "BadArgumentsException",
    [Code.SYSTEMERROR]: "SystemErrorException",
    [Code.MARSHALLINGERROR]: "MarshallingErrorException",
    [Code.UNIMPLEMENTED]: "UnimplementedException",
    [Code.NOAUTH]: "NoAuthException",
    [Code.INVALIDACL]: "InvalidACLException",
    [Code.AUTHFAILED]: "AuthFailedException",
    [Code.SESSIONMOVED]: "SessionMovedException",
  };
  return `org.apache.zookeeper.KeeperException$${simple[code] ?? "SystemErrorException"}`;
}

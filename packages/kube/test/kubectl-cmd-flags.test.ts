import { describe, expect, it } from "vitest";
import { ApiError } from "../src/api/errors.js";
import { parseGoDuration } from "../src/kubectl/commands/durations.js";
import { ErrorList, errorReport, ExitError, StatusError, toStatus, withSource } from "../src/kubectl/commands/errors.js";
import { FlagError, HelpRequested, parseFlags, type FlagSpec } from "../src/kubectl/commands/flags.js";

const SPECS: FlagSpec[] = [
  { name: "namespace", short: "n", type: "string" },
  { name: "stdin", short: "i", type: "bool" },
  { name: "tty", short: "t", type: "bool" },
  { name: "selector", short: "l", type: "string" },
  { name: "filename", short: "f", type: "stringSlice" },
  { name: "replicas", type: "int" },
  { name: "cascade", type: "string", noValue: "background" },
  { name: "timeout", type: "duration" },
];

describe("kubectl's flag parsing (pflag)", () => {
  it("reads grouped shorthands, attached and separate values, flags after arguments and --", () => {
    const p = parseFlags(["exec", "-it", "web-0", "-nfoo", "-l=app=cassandra", "--replicas", "3", "--cascade", "--", "sh", "-c", "ls -l"], SPECS);
    expect(p.args).toEqual(["exec", "web-0", "sh", "-c", "ls -l"]);
    expect(p.argsLenAtDash).toBe(2);
    expect([p.flags.bool("stdin"), p.flags.bool("tty"), p.flags.string("namespace"), p.flags.string("selector"), p.flags.int("replicas", -1)]).toEqual([true, true, "foo", "app=cassandra", 3]);
    expect(p.flags.string("cascade")).toBe("background");
    expect(parseFlags(["-f", "a.yaml,b.yaml", "--filename=c.yaml"], SPECS).flags.strings("filename")).toEqual(["a.yaml", "b.yaml", "c.yaml"]);
    expect(parseFlags(["--stdin=false"], SPECS).flags.bool("stdin", true)).toBe(false);
    expect(parseFlags(["--timeout=1m30s"], SPECS).flags.duration("timeout", 0)).toBe(90_000);
  });

  it("fails as pflag does", () => {
    const error = (argv: string[]) => {
      try {
        parseFlags(argv, SPECS);
      } catch (e) {
        return e instanceof FlagError ? e.message : e;
      }
      return undefined;
    };
    expect(error(["--nope"])).toBe("unknown flag: --nope");
    expect(error(["-iz"])).toBe("unknown shorthand flag: 'z' in -z");
    expect(error(["--namespace"])).toBe("flag needs an argument: --namespace");
    expect(error(["---x"])).toBe("bad flag syntax: ---x");
    expect(error(["--stdin=maybe"])).toBe('invalid argument "maybe" for "-i, --stdin" flag: strconv.ParseBool: parsing "maybe": invalid syntax');
    expect(error(["-h"])).toBeInstanceOf(HelpRequested);
    expect(parseGoDuration("1.5h")).toBe(5_400_000);
    expect(parseGoDuration("3x")).toBe('time: unknown unit "x" in duration "3x"');
    expect(parseGoDuration("")).toBe('time: invalid duration ""');
  });
});

describe("CheckErr's printing", () => {
  it("prints API statuses, Invalid details, aggregates and exit errors as kubectl does", () => {
    const notFound = toStatus(new ApiError("NotFound", 'pods "x" not found'));
    expect(errorReport(notFound)).toEqual({ text: 'Error from server (NotFound): pods "x" not found\n', code: 1 });
    expect(errorReport(new StatusError("", "error dialing backend: dial tcp 1.2.3.4:10250: i/o timeout")).text).toBe("Error from server: error dialing backend: dial tcp 1.2.3.4:10250: i/o timeout\n");
    const invalid = toStatus(new ApiError("Invalid", 'StatefulSet.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0', [{ field: "spec.replicas", message: "Invalid value: -1: must be greater than or equal to 0" }]), {
      kind: "StatefulSet",
      metadata: { name: "web" },
    });
    expect(errorReport(invalid).text).toBe('The StatefulSet "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n');
    // With a source the message says where it came from; an aggregate prints each error on its own line.
    const sourced = withSource("creating", "web.yaml", invalid);
    expect(errorReport(new ErrorList([sourced, notFound])).text).toBe(
      'Error from server (Invalid): error when creating "web.yaml": StatefulSet.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\nError from server (NotFound): pods "x" not found\n',
    );
    expect(errorReport(new ErrorList([new Error("plain")])).text).toBe("error: plain\n");
    expect(errorReport(new Error("error: already prefixed")).text).toBe("error: already prefixed\n");
    expect(errorReport(new ExitError("command terminated with exit code 7", 7))).toEqual({ text: "command terminated with exit code 7\n", code: 7 });
  });
});

/**
 * busybox 1.28.4's help texts, as `make defconfig` (the docker image `busybox:1.28`) builds them.
 *
 * Provenance: the `//usage:` lines of each applet's source file in the 1.28 era (mirror/busybox
 * and copies of it: the versions whose `//config:` titles carry the "(N kb)" sizes first added in
 * the 1.28 cycle and that use getopt32's "^" option syntax, also new in 1.28, but predate the 1.29
 * and 1.30 changes: libbb/duration.c, the nslookup rewrite, timeout's SECS operand, ping -i).
 * Files read: coreutils/{basename,cat,chgrp,chmod,chown,cp,cut,date,dd,df,dirname,du,echo,env,
 * expr,false,head,id,ln,ls,md5_sha1_sum,mkdir,mv,od_bloaty,printenv,printf,pwd,readlink,rm,rmdir,
 * seq,sleep,sort,stat,tail,tee,test,timeout,touch,tr,true,uname,uniq,uudecode,wc,whoami,yes}.c,
 * editors/{awk,sed}.c, findutils/{find,grep,xargs}.c, archival/{bbunzip,gzip,tar}.c,
 * networking/{hostname,nc,nc_bloaty,nslookup,ping,wget}.c, procps/{free,kill,pgrep,ps,top,uptime}.c,
 * debianutils/which.c, util-linux/mount.c, shell/ash.c. nslookup's text is also what the
 * busybox:1.28.4 image prints in published transcripts; a Debian busybox 1.35.0 was used only to
 * check layout where 1.28 agrees.
 *
 * Each value is what bb_show_usage prints after "Usage: APPLET ": the trivial usage, then the full
 * usage (which starts with "\n\n"). IF_xxx()/IF_NOT_xxx() parts are resolved for defconfig, which
 * turns on DESKTOP, LONG_OPTS, FEATURE_HUMAN_READABLE, UNICODE_SUPPORT, FEATURE_IPV6 and every
 * per-applet FEATURE_* that defaults to y; the ones that default to n are named where they matter.
 *
 * Applets with no usage in 1.28 (NOUSAGE_STR, "\b") are left out: test, "[" and "[[" (all three
 * use test's usage), true and false. For "[ --help" and "[[ --help" bb_show_usage prints
 *   "BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nNo help available.\n\n"
 * and exits 0; "test --help", "true --help" and "false --help" skip the --help check in
 * run_applet_no_and_exit and just run the applet (silently, status 0, 0 and 1).
 */
export const BUSYBOX_USAGE: Readonly<Record<string, string>> = {
  awk:
    "[OPTIONS] [AWK_PROGRAM] [FILE]..." +
    "\n\n" +
    "\t-v VAR=VAL\tSet variable" +
    "\n\t-F SEP\t\tUse SEP as field separator" +
    "\n\t-f FILE\t\tRead program from FILE" +
    "\n\t-e AWK_PROGRAM", // FEATURE_AWK_GNU_EXTENSIONS=y

  base64: // coreutils/uudecode.c in 1.28 (no -w yet)
    "[-d] [FILE]" +
    "\n\n" +
    "Base64 encode or decode FILE to standard output" +
    "\n\t-d\tDecode data",

  basename:
    "FILE [SUFFIX]" +
    "\n\n" +
    "Strip directory path and .SUFFIX from FILE",

  cat: // FEATURE_CATN=y, FEATURE_CATV=y
    "[-nbvteA] [FILE]..." +
    "\n\n" +
    "Print FILEs to stdout\n" +
    "\n\t-n\tNumber output lines" +
    "\n\t-b\tNumber nonempty lines" +
    "\n\t-v\tShow nonprinting characters as ^x or M-x" +
    "\n\t-t\t...and tabs as ^I" +
    "\n\t-e\t...and end lines with $" +
    "\n\t-A\tSame as -vte",

  chgrp:
    "[-RhLHPcvf]... GROUP FILE..." +
    "\n\n" +
    "Change the group membership of each FILE to GROUP\n" +
    "\n\t-R\tRecurse" +
    "\n\t-h\tAffect symlinks instead of symlink targets" +
    "\n\t-L\tTraverse all symlinks to directories" +
    "\n\t-H\tTraverse symlinks on command line only" +
    "\n\t-P\tDon't traverse symlinks (default)" +
    "\n\t-c\tList changed files" +
    "\n\t-v\tVerbose" +
    "\n\t-f\tHide errors",

  chmod:
    "[-Rcvf] MODE[,MODE]... FILE..." +
    "\n\n" +
    "Each MODE is one or more of the letters ugoa, one of the\n" +
    "symbols +-= and one or more of the letters rwxst\n" +
    "\n\t-R\tRecurse" +
    "\n\t-c\tList changed files" +
    "\n\t-v\tList all files" +
    "\n\t-f\tHide errors",

  chown:
    "[-RhLHPcvf]... USER[:[GRP]] FILE..." +
    "\n\n" +
    "Change the owner and/or group of each FILE to USER and/or GRP\n" +
    "\n\t-R\tRecurse" +
    "\n\t-h\tAffect symlinks instead of symlink targets" +
    "\n\t-L\tTraverse all symlinks to directories" +
    "\n\t-H\tTraverse symlinks on command line only" +
    "\n\t-P\tDon't traverse symlinks (default)" +
    "\n\t-c\tList changed files" +
    "\n\t-v\tList all files" +
    "\n\t-f\tHide errors",

  cp: // SELINUX=n, so no -c line
    "[OPTIONS] SOURCE... DEST" +
    "\n\n" +
    "Copy SOURCE(s) to DEST\n" +
    "\n\t-a\tSame as -dpR" +
    "\n\t-R,-r\tRecurse" +
    "\n\t-d,-P\tPreserve symlinks (default if -R)" +
    "\n\t-L\tFollow all symlinks" +
    "\n\t-H\tFollow symlinks on command line" +
    "\n\t-p\tPreserve file attributes if possible" +
    "\n\t-f\tOverwrite" +
    "\n\t-i\tPrompt before overwrite" +
    "\n\t-l,-s\tCreate (sym)links" +
    "\n\t-T\tTreat DEST as a normal file" +
    "\n\t-u\tCopy only newer files",

  cut:
    "[OPTIONS] [FILE]..." +
    "\n\n" +
    "Print selected fields from each input FILE to stdout\n" +
    "\n\t-b LIST\tOutput only bytes from LIST" +
    "\n\t-c LIST\tOutput only characters from LIST" +
    "\n\t-d CHAR\tUse CHAR instead of tab as the field delimiter" +
    "\n\t-s\tOutput only the lines containing delimiter" +
    "\n\t-f N\tPrint only these fields" +
    "\n\t-n\tIgnored",

  date: // LONG_OPTS=y, FEATURE_DATE_ISOFMT=y, FEATURE_DATE_COMPAT=y
    "[OPTIONS] [+FMT] [TIME]" +
    "\n\n" +
    "Display time (using +FMT), or set time\n" +
    "\n\t[-s,--set] TIME\tSet time to TIME" +
    "\n\t-u,--utc\tWork in UTC (don't convert to local time)" +
    "\n\t-R,--rfc-2822\tOutput RFC-2822 compliant date string" +
    "\n\t-I[SPEC]\tOutput ISO-8601 compliant date string" +
    "\n\t\t\tSPEC='date' (default) for date only," +
    "\n\t\t\t'hours', 'minutes', or 'seconds' for date and" +
    "\n\t\t\ttime to the indicated precision" +
    "\n\t-r,--reference FILE\tDisplay last modification time of FILE" +
    "\n\t-d,--date TIME\tDisplay TIME, not 'now'" +
    "\n\t-D FMT\t\tUse FMT for -d TIME conversion" +
    "\n" +
    "\nRecognized TIME formats:" +
    "\n\thh:mm[:ss]" +
    "\n\t[YYYY.]MM.DD-hh:mm[:ss]" +
    "\n\tYYYY-MM-DD hh:mm[:ss]" +
    "\n\t[[[[[YY]YY]MM]DD]hh]mm[.ss]" +
    "\n\t'date TIME' form accepts MMDDhhmm[[YY]YY][.ss] instead",

  dd: // FEATURE_DD_IBS_OBS=y, FEATURE_DD_STATUS=y
    "[if=FILE] [of=FILE] [ibs=N] [obs=N] [bs=N] [count=N] [skip=N]\n" +
    "\t[seek=N] [conv=notrunc|noerror|sync|fsync] [iflag=skip_bytes|fullblock]" +
    "\n\n" +
    "Copy a file with converting and formatting\n" +
    "\n\tif=FILE\t\tRead from FILE instead of stdin" +
    "\n\tof=FILE\t\tWrite to FILE instead of stdout" +
    "\n\tbs=N\t\tRead and write N bytes at a time" +
    "\n\tibs=N\t\tRead N bytes at a time" +
    "\n\tobs=N\t\tWrite N bytes at a time" +
    "\n\tcount=N\t\tCopy only N input blocks" +
    "\n\tskip=N\t\tSkip N input blocks" +
    "\n\tseek=N\t\tSkip N output blocks" +
    "\n\tconv=notrunc\tDon't truncate output file" +
    "\n\tconv=noerror\tContinue after read errors" +
    "\n\tconv=sync\tPad blocks with zeros" +
    "\n\tconv=fsync\tPhysically write data out before finishing" +
    "\n\tconv=swab\tSwap every pair of bytes" +
    "\n\tiflag=skip_bytes\tskip=N is in bytes" +
    "\n\tiflag=fullblock\tRead full blocks" +
    "\n\tstatus=noxfer\tSuppress rate output" +
    "\n\tstatus=none\tSuppress all output" +
    "\n" +
    "\nN may be suffixed by c (1), w (2), b (512), kB (1000), k (1024), MB, M, GB, G",

  df: // FEATURE_DF_FANCY=y (no -t TYPE yet)
    "[-PkmhTai] [-B SIZE] [FILESYSTEM]..." +
    "\n\n" +
    "Print filesystem usage statistics\n" +
    "\n\t-P\tPOSIX output format" +
    "\n\t-k\t1024-byte blocks (default)" +
    "\n\t-m\t1M-byte blocks" +
    "\n\t-h\tHuman readable (e.g. 1K 243M 2G)" +
    "\n\t-T\tPrint filesystem type" +
    "\n\t-a\tShow all filesystems" +
    "\n\t-i\tInodes" +
    "\n\t-B SIZE\tBlocksize",

  dirname:
    "FILENAME" +
    "\n\n" +
    "Strip non-directory suffix from FILENAME",

  du: // FEATURE_DU_DEFAULT_BLOCKSIZE_1K=y
    "[-aHLdclsxhmk] [FILE]..." +
    "\n\n" +
    "Summarize disk space used for each FILE and/or directory\n" +
    "\n\t-a\tShow file sizes too" +
    "\n\t-L\tFollow all symlinks" +
    "\n\t-H\tFollow symlinks on command line" +
    "\n\t-d N\tLimit output to directories (and files with -a) of depth < N" +
    "\n\t-c\tShow grand total" +
    "\n\t-l\tCount sizes many times if hard linked" +
    "\n\t-s\tDisplay only a total for each argument" +
    "\n\t-x\tSkip directories on different filesystems" +
    "\n\t-h\tSizes in human readable format (e.g., 1K 243M 2G)" +
    "\n\t-m\tSizes in megabytes" +
    "\n\t-k\tSizes in kilobytes (default)",

  echo: // FEATURE_FANCY_ECHO=y; 1.28 only exempts test/true/false from "--help", so "echo --help" shows this
    "[-neE] [ARG]..." +
    "\n\n" +
    "Print the specified ARGs to stdout" +
    "\n" +
    "\n\t-n\tSuppress trailing newline" +
    "\n\t-e\tInterpret backslash escapes (i.e., \\t=tab)" +
    "\n\t-E\tDon't interpret backslash escapes (default)",

  env:
    "[-iu] [-] [name=value]... [PROG ARGS]" +
    "\n\n" +
    "Print the current environment or run PROG after setting up\n" +
    "the specified environment\n" +
    "\n\t-, -i\tStart with an empty environment" +
    "\n\t-u\tRemove variable from the environment",

  expr:
    "EXPRESSION" +
    "\n\n" +
    "Print the value of EXPRESSION to stdout\n" +
    "\n" +
    "EXPRESSION may be:\n" +
    "\tARG1 | ARG2\tARG1 if it is neither null nor 0, otherwise ARG2\n" +
    "\tARG1 & ARG2\tARG1 if neither argument is null or 0, otherwise 0\n" +
    "\tARG1 < ARG2\t1 if ARG1 is less than ARG2, else 0. Similarly:\n" +
    "\tARG1 <= ARG2\n" +
    "\tARG1 = ARG2\n" +
    "\tARG1 != ARG2\n" +
    "\tARG1 >= ARG2\n" +
    "\tARG1 > ARG2\n" +
    "\tARG1 + ARG2\tSum of ARG1 and ARG2. Similarly:\n" +
    "\tARG1 - ARG2\n" +
    "\tARG1 * ARG2\n" +
    "\tARG1 / ARG2\n" +
    "\tARG1 % ARG2\n" +
    "\tSTRING : REGEXP\t\tAnchored pattern match of REGEXP in STRING\n" +
    "\tmatch STRING REGEXP\tSame as STRING : REGEXP\n" +
    "\tsubstr STRING POS LENGTH Substring of STRING, POS counted from 1\n" +
    "\tindex STRING CHARS\tIndex in STRING where any CHARS is found, or 0\n" +
    "\tlength STRING\t\tLength of STRING\n" +
    "\tquote TOKEN\t\tInterpret TOKEN as a string, even if\n" +
    "\t\t\t\tit is a keyword like 'match' or an\n" +
    "\t\t\t\toperator like '/'\n" +
    "\t(EXPRESSION)\t\tValue of EXPRESSION\n" +
    "\n" +
    "Beware that many operators need to be escaped or quoted for shells.\n" +
    "Comparisons are arithmetic if both ARGs are numbers, else\n" +
    "lexicographical. Pattern matches return the string matched between\n" +
    "\\( and \\) or null; if \\( and \\) are not used, they return the number\n" +
    "of characters matched or 0.",

  find: // every FEATURE_FIND_* =y except FEATURE_FIND_CONTEXT (needs SELINUX)
    "[-HL] [PATH]... [OPTIONS] [ACTIONS]" +
    "\n\n" +
    "Search for files and perform actions on them.\n" +
    "First failed action stops processing of current file.\n" +
    "Defaults: PATH is current directory, action is '-print'\n" +
    "\n\t-L,-follow\tFollow symlinks" +
    "\n\t-H\t\t...on command line only" +
    "\n\t-xdev\t\tDon't descend directories on other filesystems" +
    "\n\t-maxdepth N\tDescend at most N levels. -maxdepth 0 applies" +
    "\n\t\t\tactions to command line arguments only" +
    "\n\t-mindepth N\tDon't act on first N levels" +
    "\n\t-depth\t\tAct on directory *after* traversing it" +
    "\n" +
    "\nActions:" +
    "\n\t( ACTIONS )\tGroup actions for -o / -a" +
    "\n\t! ACT\t\tInvert ACT's success/failure" +
    "\n\tACT1 [-a] ACT2\tIf ACT1 fails, stop, else do ACT2" +
    "\n\tACT1 -o ACT2\tIf ACT1 succeeds, stop, else do ACT2" +
    "\n\t\t\tNote: -a has higher priority than -o" +
    "\n\t-name PATTERN\tMatch file name (w/o directory name) to PATTERN" +
    "\n\t-iname PATTERN\tCase insensitive -name" +
    "\n\t-path PATTERN\tMatch path to PATTERN" +
    "\n\t-ipath PATTERN\tCase insensitive -path" +
    "\n\t-regex PATTERN\tMatch path to regex PATTERN" +
    "\n\t-type X\t\tFile type is X (one of: f,d,l,b,c,s,p)" +
    "\n\t-executable\tFile is executable" +
    "\n\t-perm MASK\tAt least one mask bit (+MASK), all bits (-MASK)," +
    "\n\t\t\tor exactly MASK bits are set in file's mode" +
    "\n\t-mtime DAYS\tmtime is greater than (+N), less than (-N)," +
    "\n\t\t\tor exactly N days in the past" +
    "\n\t-mmin MINS\tmtime is greater than (+N), less than (-N)," +
    "\n\t\t\tor exactly N minutes in the past" +
    "\n\t-newer FILE\tmtime is more recent than FILE's" +
    "\n\t-inum N\t\tFile has inode number N" +
    "\n\t-user NAME/ID\tFile is owned by given user" +
    "\n\t-group NAME/ID\tFile is owned by given group" +
    "\n\t-size N[bck]\tFile size is N (c:bytes,k:kbytes,b:512 bytes(def.))" +
    "\n\t\t\t+/-N: file size is bigger/smaller than N" +
    "\n\t-links N\tNumber of links is greater than (+N), less than (-N)," +
    "\n\t\t\tor exactly N" +
    "\n\t-prune\t\tIf current file is directory, don't descend into it" +
    "\nIf none of the following actions is specified, -print is assumed" +
    "\n\t-print\t\tPrint file name" +
    "\n\t-print0\t\tPrint file name, NUL terminated" +
    "\n\t-exec CMD ARG ;\tRun CMD with all instances of {} replaced by" +
    "\n\t\t\tfile name. Fails if CMD exits with nonzero" +
    "\n\t-exec CMD ARG + Run CMD with {} replaced by list of file names" +
    "\n\t-delete\t\tDelete current file/directory. Turns on -depth option" +
    "\n\t-quit\t\tExit",

  free: // DESKTOP=y
    "[-b/k/m/g]" +
    "\n\n" +
    "Display the amount of free and used system memory",

  grep: // EXTRA_COMPAT=n (no -z), FEATURE_GREP_CONTEXT=y
    "[-HhnlLoqvsriwFE] [-m N] [-A/B/C N] PATTERN/-e PATTERN.../-f FILE [FILE]..." +
    "\n\n" +
    "Search for PATTERN in FILEs (or stdin)\n" +
    "\n\t-H\tAdd 'filename:' prefix" +
    "\n\t-h\tDo not add 'filename:' prefix" +
    "\n\t-n\tAdd 'line_no:' prefix" +
    "\n\t-l\tShow only names of files that match" +
    "\n\t-L\tShow only names of files that don't match" +
    "\n\t-c\tShow only count of matching lines" +
    "\n\t-o\tShow only the matching part of line" +
    "\n\t-q\tQuiet. Return 0 if PATTERN is found, 1 otherwise" +
    "\n\t-v\tSelect non-matching lines" +
    "\n\t-s\tSuppress open and read errors" +
    "\n\t-r\tRecurse" +
    "\n\t-i\tIgnore case" +
    "\n\t-w\tMatch whole words only" +
    "\n\t-x\tMatch whole lines only" +
    "\n\t-F\tPATTERN is a literal (not regexp)" +
    "\n\t-E\tPATTERN is an extended regexp" +
    "\n\t-m N\tMatch up to N times per file" +
    "\n\t-A N\tPrint N lines of trailing context" +
    "\n\t-B N\tPrint N lines of leading context" +
    "\n\t-C N\tSame as '-A N -B N'" +
    "\n\t-e PTRN\tPattern to match" +
    "\n\t-f FILE\tRead pattern from file",

  gunzip:
    "[-cfkt] [FILE]..." +
    "\n\n" +
    "Decompress FILEs (or stdin)\n" +
    "\n\t-c\tWrite to stdout" +
    "\n\t-f\tForce" +
    "\n\t-k\tKeep input files" +
    "\n\t-t\tTest file integrity",

  gzip: // FEATURE_GZIP_LEVELS=n (no -1..9), FEATURE_GZIP_DECOMPRESS=y
    "[-cfkdt] [FILE]..." +
    "\n\n" +
    "Compress FILEs (or stdin)\n" +
    "\n\t-d\tDecompress" +
    "\n\t-t\tTest file integrity" +
    "\n\t-c\tWrite to stdout" +
    "\n\t-f\tForce" +
    "\n\t-k\tKeep input files",

  head: // FEATURE_FANCY_HEAD=y
    "[OPTIONS] [FILE]..." +
    "\n\n" +
    "Print first 10 lines of each FILE (or stdin) to stdout.\n" +
    "With more than one FILE, precede each with a filename header.\n" +
    "\n\t-n N[kbm]\tPrint first N lines" +
    "\n\t-n -N[kbm]\tPrint all except N last lines" +
    "\n\t-c [-]N[kbm]\tPrint first N bytes" +
    "\n\t-q\t\tNever print headers" +
    "\n\t-v\t\tAlways print headers" +
    "\n" +
    "\nN may be suffixed by k (x1024), b (x512), or m (x1024^2).",

  hostname:
    "[OPTIONS] [HOSTNAME | -F FILE]" +
    "\n\n" +
    "Get or set hostname or DNS domain name\n" +
    "\n\t-s\tShort" +
    "\n\t-i\tAddresses for the hostname" +
    "\n\t-d\tDNS domain name" +
    "\n\t-f\tFully qualified domain name" +
    "\n\t-F FILE\tUse FILE's content as hostname",

  id: // SELINUX=n, so no -Z line
    "[OPTIONS] [USER]" +
    "\n\n" +
    "Print information about USER or the current user\n" +
    "\n\t-u\tUser ID" +
    "\n\t-g\tGroup ID" +
    "\n\t-G\tSupplementary group IDs" +
    "\n\t-n\tPrint names instead of numbers" +
    "\n\t-r\tPrint real ID instead of effective ID",

  kill:
    "[-l] [-SIG] PID..." +
    "\n\n" +
    "Send a signal (default: TERM) to given PIDs\n" +
    "\n\t-l\tList all signal names and numbers",

  ln:
    "[OPTIONS] TARGET... LINK|DIR" +
    "\n\n" +
    "Create a link LINK or DIR/TARGET to the specified TARGET(s)\n" +
    "\n\t-s\tMake symlinks instead of hardlinks" +
    "\n\t-f\tRemove existing destinations" +
    "\n\t-n\tDon't dereference symlinks - treat like normal file" +
    "\n\t-b\tMake a backup of the target (if exists) before link operation" +
    "\n\t-S suf\tUse suffix instead of ~ when making backup files" +
    "\n\t-T\t2nd arg must be a DIR" +
    "\n\t-v\tVerbose",

  ls: // every FEATURE_LS_* =y, FEATURE_HUMAN_READABLE=y, LONG_OPTS=y, SELINUX=n
    "[-1AaCxdLHRFplinshrSXvctu] [-w WIDTH] [FILE]..." +
    "\n\n" +
    "List directory contents\n" +
    "\n\t-1\tOne column output" +
    "\n\t-a\tInclude entries which start with ." +
    "\n\t-A\tLike -a, but exclude . and .." +
    "\n\t-x\tList by lines" +
    "\n\t-d\tList directory entries instead of contents" +
    "\n\t-L\tFollow symlinks" +
    "\n\t-H\tFollow symlinks on command line" +
    "\n\t-R\tRecurse" +
    "\n\t-p\tAppend / to dir entries" +
    "\n\t-F\tAppend indicator (one of */=@|) to entries" +
    "\n\t-l\tLong listing format" +
    "\n\t-i\tList inode numbers" +
    "\n\t-n\tList numeric UIDs and GIDs instead of names" +
    "\n\t-s\tList allocated blocks" +
    "\n\t-lc\tList ctime" +
    "\n\t-lu\tList atime" +
    "\n\t--full-time\tList full date and time" +
    "\n\t-h\tHuman readable sizes (1K 243M 2G)" +
    "\n\t--group-directories-first" +
    "\n\t-S\tSort by size" +
    "\n\t-X\tSort by extension" +
    "\n\t-v\tSort by version" +
    "\n\t-t\tSort by mtime" +
    "\n\t-tc\tSort by ctime" +
    "\n\t-tu\tSort by atime" +
    "\n\t-r\tReverse sort order" +
    "\n\t-w N\tFormat N columns wide" +
    "\n\t--color[={always,never,auto}]\tControl coloring",

  md5sum: // FEATURE_MD5_SHA1_SUM_CHECK=y
    "[-c[sw]] [FILE]..." +
    "\n\n" +
    "Print or check MD5 checksums\n" +
    "\n\t-c\tCheck sums against list in FILEs" +
    "\n\t-s\tDon't output anything, status code shows success" +
    "\n\t-w\tWarn about improperly formatted checksum lines",

  mkdir:
    "[OPTIONS] DIRECTORY..." +
    "\n\n" +
    "Create DIRECTORY\n" +
    "\n\t-m MODE\tMode" +
    "\n\t-p\tNo error if exists; make parent directories as needed",

  mount: // FEATURE_MTAB_SUPPORT=n ("-f Dry run", no -n), FEATURE_MOUNT_HELPERS=n (no -i), FEATURE_MOUNT_LOOP=y
    "[OPTIONS] [-o OPT] DEVICE NODE" +
    "\n\n" +
    "Mount a filesystem. Filesystem autodetection requires /proc.\n" +
    "\n\t-a\t\tMount all filesystems in fstab" +
    "\n\t-f\t\tDry run" +
    "\n\t-v\t\tVerbose" +
    "\n\t-r\t\tRead-only mount" +
    "\n\t-t FSTYPE[,...]\tFilesystem type(s)" +
    "\n\t-T FILE\t\tRead FILE instead of /etc/fstab" +
    "\n\t-O OPT\t\tMount only filesystems with option OPT (-a only)" +
    "\n-o OPT:" +
    "\n\tloop\t\tIgnored (loop devices are autodetected)" +
    "\n\t[a]sync\t\tWrites are [a]synchronous" +
    "\n\t[no]atime\tDisable/enable updates to inode access times" +
    "\n\t[no]diratime\tDisable/enable atime updates to directories" +
    "\n\t[no]relatime\tDisable/enable atime updates relative to modification time" +
    "\n\t[no]dev\t\t(Dis)allow use of special device files" +
    "\n\t[no]exec\t(Dis)allow use of executable files" +
    "\n\t[no]suid\t(Dis)allow set-user-id-root programs" +
    "\n\t[r]shared\tConvert [recursively] to a shared subtree" +
    "\n\t[r]slave\tConvert [recursively] to a slave subtree" +
    "\n\t[r]private\tConvert [recursively] to a private subtree" +
    "\n\t[un]bindable\tMake mount point [un]able to be bind mounted" +
    "\n\t[r]bind\t\tBind a file or directory [recursively] to another location" +
    "\n\tmove\t\tRelocate an existing mount point" +
    "\n\tremount\t\tRemount a mounted filesystem, changing flags" +
    "\n\tro\t\tSame as -r" +
    "\n" +
    "\nThere are filesystem-specific -o flags.",

  mv:
    "[-fin] SOURCE DEST\n" +
    "or: mv [-fin] SOURCE... DIRECTORY" +
    "\n\n" +
    "Rename SOURCE to DEST, or move SOURCE(s) to DIRECTORY\n" +
    "\n\t-f\tDon't prompt before overwriting" +
    "\n\t-i\tInteractive, prompt before overwrite" +
    "\n\t-n\tDon't overwrite an existing file",

  nc: // NC_110_COMPAT=y (nc_bloaty.c), NC_SERVER=y, NC_EXTRA=y
    "[OPTIONS] HOST PORT  - connect\n" +
    "nc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen" +
    "\n\n" +
    "\t-e PROG\tRun PROG after connect (must be last)" +
    "\n\t-l\tListen mode, for inbound connects" +
    "\n\t-lk\tWith -e, provides persistent server" +
    "\n\t-p PORT\tLocal port" +
    "\n\t-s ADDR\tLocal address" +
    "\n\t-w SEC\tTimeout for connects and final net reads" +
    "\n\t-i SEC\tDelay interval for lines sent" +
    "\n\t-n\tDon't do DNS resolution" +
    "\n\t-u\tUDP mode" +
    "\n\t-v\tVerbose" +
    "\n\t-o FILE\tHex dump traffic" +
    "\n\t-z\tZero-I/O mode (scanning)",

  nslookup: // the pre-1.29 nslookup
    "[HOST] [SERVER]" +
    "\n\n" +
    "Query the nameserver for the IP address of the given HOST\n" +
    "optionally using a specified DNS server",

  od: // od_bloaty.c (DESKTOP=y)
    "[-abcdfhilovxs] [-t TYPE] [-A RADIX] [-N SIZE] [-j SKIP] [-S MINSTR] [-w WIDTH] [FILE]..." +
    "\n\n" +
    "Print FILEs (or stdin) unambiguously, as octal bytes by default",

  pgrep:
    "[-flanovx] [-s SID|-P PPID|PATTERN]" +
    "\n\n" +
    "Display process(es) selected by regex PATTERN\n" +
    "\n\t-l\tShow command name too" +
    "\n\t-a\tShow command line too" +
    "\n\t-f\tMatch against entire command line" +
    "\n\t-n\tShow the newest process only" +
    "\n\t-o\tShow the oldest process only" +
    "\n\t-v\tNegate the match" +
    "\n\t-x\tMatch whole name (not substring)" +
    "\n\t-s\tMatch session ID (0 for current)" +
    "\n\t-P\tMatch parent process ID",

  ping: // FEATURE_FANCY_PING=y, PING6=y (FEATURE_IPV6=y); no -i before 1.30
    "[OPTIONS] HOST" +
    "\n\n" +
    "Send ICMP ECHO_REQUEST packets to network hosts\n" +
    "\n\t-4,-6\t\tForce IP or IPv6 name resolution" +
    "\n\t-c CNT\t\tSend only CNT pings" +
    "\n\t-s SIZE\t\tSend SIZE data bytes in packets (default 56)" +
    "\n\t-A\t\tPing as soon as reply is recevied" +
    "\n\t-t TTL\t\tSet TTL" +
    "\n\t-I IFACE/IP\tSource interface or IP address" +
    "\n\t-W SEC\t\tSeconds to wait for the first response (default 10)" +
    "\n\t\t\t(after all -c CNT packets are sent)" +
    "\n\t-w SEC\t\tSeconds until ping exits (default:infinite)" +
    "\n\t\t\t(can exit earlier with -c CNT)" +
    "\n\t-q\t\tQuiet, only display output at start" +
    "\n\t\t\tand when finished" +
    "\n\t-p HEXBYTE\tPattern to use for payload",

  pkill:
    "[-l|-SIGNAL] [-fnovx] [-s SID|-P PPID|PATTERN]" +
    "\n\n" +
    "Send a signal to process(es) selected by regex PATTERN\n" +
    "\n\t-l\tList all signals" +
    "\n\t-f\tMatch against entire command line" +
    "\n\t-n\tSignal the newest process only" +
    "\n\t-o\tSignal the oldest process only" +
    "\n\t-v\tNegate the match" +
    "\n\t-x\tMatch whole name (not substring)" +
    "\n\t-s\tMatch session ID (0 for current)" +
    "\n\t-P\tMatch parent process ID",

  printenv:
    "[VARIABLE]..." +
    "\n\n" +
    "Print environment VARIABLEs.\n" +
    "If no VARIABLE specified, print all.",

  printf:
    "FORMAT [ARG]..." +
    "\n\n" +
    "Format and print ARG(s) according to FORMAT (a-la C printf)",

  ps: // DESKTOP=y, FEATURE_SHOW_THREADS=y
    "[-o COL1,COL2=HEADER] [-T]" +
    "\n\n" +
    "Show list of processes\n" +
    "\n\t-o COL1,COL2=HEADER\tSelect columns for display" +
    "\n\t-T\t\t\tShow threads",

  pwd:
    "" +
    "\n\n" +
    "Print the full filename of the current working directory",

  readlink: // FEATURE_READLINK_FOLLOW=y
    "[-fnv] FILE" +
    "\n\n" +
    "Display the value of a symlink" +
    "\n" +
    "\n\t-f\tCanonicalize by following all symlinks" +
    "\n\t-n\tDon't add newline" +
    "\n\t-v\tVerbose",

  rm:
    "[-irf] FILE..." +
    "\n\n" +
    "Remove (unlink) FILEs\n" +
    "\n\t-i\tAlways prompt before removing" +
    "\n\t-f\tNever prompt" +
    "\n\t-R,-r\tRecurse",

  rmdir: // LONG_OPTS=y
    "[OPTIONS] DIRECTORY..." +
    "\n\n" +
    "Remove DIRECTORY if it is empty\n" +
    "\n\t-p\tInclude parents" +
    "\n\t--ignore-fail-on-non-empty",

  sed:
    "[-i[SFX]] [-nrE] [-f FILE]... [-e CMD]... [FILE]...\n" +
    "or: sed [-i[SFX]] [-nrE] CMD [FILE]..." +
    "\n\n" +
    "\t-e CMD\tAdd CMD to sed commands to be executed" +
    "\n\t-f FILE\tAdd FILE contents to sed commands to be executed" +
    "\n\t-i[SFX]\tEdit files in-place (otherwise sends to stdout)" +
    "\n\t\tOptionally back files up, appending SFX" +
    "\n\t-n\tSuppress automatic printing of pattern space" +
    "\n\t-r,-E\tUse extended regex syntax" +
    "\n" +
    "\nIf no -e or -f, the first non-option argument is the sed command string." +
    "\nRemaining arguments are input files (stdin if none).",

  seq:
    "[-w] [-s SEP] [FIRST [INC]] LAST" +
    "\n\n" +
    "Print numbers from FIRST to LAST, in steps of INC.\n" +
    "FIRST, INC default to 1.\n" +
    "\n\t-w\tPad to last with leading zeros" +
    "\n\t-s SEP\tString separator",

  sh: // sh is APPLET_ODDNAME(sh, ash, ..., ash): ash's usage
    "[-/+OPTIONS] [-/+o OPT]... [-c 'SCRIPT' [ARG0 [ARGS]] / FILE [ARGS] / -s [ARGS]]" +
    "\n\n" +
    "Unix shell interpreter",

  sha1sum:
    "[-c[sw]] [FILE]..." +
    "\n\n" +
    "Print or check SHA1 checksums\n" +
    "\n\t-c\tCheck sums against list in FILEs" +
    "\n\t-s\tDon't output anything, status code shows success" +
    "\n\t-w\tWarn about improperly formatted checksum lines",

  sha256sum:
    "[-c[sw]] [FILE]..." +
    "\n\n" +
    "Print or check SHA256 checksums\n" +
    "\n\t-c\tCheck sums against list in FILEs" +
    "\n\t-s\tDon't output anything, status code shows success" +
    "\n\t-w\tWarn about improperly formatted checksum lines",

  sha512sum:
    "[-c[sw]] [FILE]..." +
    "\n\n" +
    "Print or check SHA512 checksums\n" +
    "\n\t-c\tCheck sums against list in FILEs" +
    "\n\t-s\tDon't output anything, status code shows success" +
    "\n\t-w\tWarn about improperly formatted checksum lines",

  sleep: // FEATURE_FANCY_SLEEP=y (FEATURE_FLOAT_SLEEP=y does not change the text)
    "[N]..." +
    "\n\n" +
    "Pause for a time equal to the total of the args given, where each arg can\n" +
    "have an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays",

  sort: // FEATURE_SORT_BIG=y
    "[-nrugMcszbdfiokt] [-o FILE] [-k start[.offset][opts][,end[.offset][opts]] [-t CHAR] [FILE]..." +
    "\n\n" +
    "Sort lines of text\n" +
    "\n\t-o FILE\tOutput to FILE" +
    "\n\t-c\tCheck whether input is sorted" +
    "\n\t-b\tIgnore leading blanks" +
    "\n\t-f\tIgnore case" +
    "\n\t-i\tIgnore unprintable characters" +
    "\n\t-d\tDictionary order (blank or alphanumeric only)" +
    "\n\t-n\tSort numbers" +
    "\n\t-g\tGeneral numerical sort" +
    "\n\t-M\tSort month" +
    "\n\t-V\tSort version" +
    "\n\t-t CHAR\tField separator" +
    "\n\t-k N[,M] Sort by Nth field" +
    "\n\t-r\tReverse sort order" +
    "\n\t-s\tStable (don't sort ties alphabetically)" +
    "\n\t-u\tSuppress duplicate lines" +
    "\n\t-z\tLines are terminated by NUL, not newline",

  stat: // FEATURE_STAT_FORMAT=y, FEATURE_STAT_FILESYSTEM=y, SELINUX=n
    "[OPTIONS] FILE..." +
    "\n\n" +
    "Display file (default) or filesystem status\n" +
    "\n\t-c FMT\tUse the specified format" +
    "\n\t-f\tDisplay filesystem status" +
    "\n\t-L\tFollow links" +
    "\n\t-t\tTerse display" +
    "\n\nFMT sequences for files:\n" +
    " %a\tAccess rights in octal\n" +
    " %A\tAccess rights in human readable form\n" +
    " %b\tNumber of blocks allocated (see %B)\n" +
    " %B\tSize in bytes of each block reported by %b\n" +
    " %d\tDevice number in decimal\n" +
    " %D\tDevice number in hex\n" +
    " %f\tRaw mode in hex\n" +
    " %F\tFile type\n" +
    " %g\tGroup ID\n" +
    " %G\tGroup name\n" +
    " %h\tNumber of hard links\n" +
    " %i\tInode number\n" +
    " %n\tFile name\n" +
    " %N\tFile name, with -> TARGET if symlink\n" +
    " %o\tI/O block size\n" +
    " %s\tTotal size in bytes\n" +
    " %t\tMajor device type in hex\n" +
    " %T\tMinor device type in hex\n" +
    " %u\tUser ID\n" +
    " %U\tUser name\n" +
    " %x\tTime of last access\n" +
    " %X\tTime of last access as seconds since Epoch\n" +
    " %y\tTime of last modification\n" +
    " %Y\tTime of last modification as seconds since Epoch\n" +
    " %z\tTime of last change\n" +
    " %Z\tTime of last change as seconds since Epoch\n" +
    "\nFMT sequences for file systems:\n" +
    " %a\tFree blocks available to non-superuser\n" +
    " %b\tTotal data blocks\n" +
    " %c\tTotal file nodes\n" +
    " %d\tFree file nodes\n" +
    " %f\tFree blocks\n" +
    " %i\tFile System ID in hex\n" +
    " %l\tMaximum length of filenames\n" +
    " %n\tFile name\n" +
    " %s\tBlock size (for faster transfer)\n" +
    " %S\tFundamental block size (for block counts)\n" +
    " %t\tType in hex\n" +
    " %T\tType in human readable form",

  tail: // FEATURE_FANCY_TAIL=y
    "[OPTIONS] [FILE]..." +
    "\n\n" +
    "Print last 10 lines of each FILE (or stdin) to stdout.\n" +
    "With more than one FILE, precede each with a filename header.\n" +
    "\n\t-f\t\tPrint data as file grows" +
    "\n\t-c [+]N[kbm]\tPrint last N bytes" +
    "\n\t-n N[kbm]\tPrint last N lines" +
    "\n\t-n +N[kbm]\tStart on Nth line and print the rest" +
    "\n\t-q\t\tNever print headers" +
    "\n\t-s SECONDS\tWait SECONDS between reads with -f" +
    "\n\t-v\t\tAlways print headers" +
    "\n\t-F\t\tSame as -f, but keep retrying" +
    "\n" +
    "\nN may be suffixed by k (x1024), b (x512), or m (x1024^2).",

  tar: // FEATURE_SEAMLESS_Z=n (no -Z); SEAMLESS_GZ/XZ/BZ2/LZMA, TAR_CREATE, TAR_FROM, TAR_LONG_OPTIONS, TAR_NOPRESERVE_TIME =y
    "c|x|t [-zJjahmvokO] [-f TARFILE] [-C DIR] [-T FILE] [-X FILE] [--exclude PATTERN]... [FILE]..." +
    "\n\n" +
    "Create, extract, or list files from a tar file" +
    "\n" +
    "\n\tc\tCreate" +
    "\n\tx\tExtract" +
    "\n\tt\tList" +
    "\n\t-f FILE\tName of TARFILE ('-' for stdin/out)" +
    "\n\t-C DIR\tChange to DIR before operation" +
    "\n\t-v\tVerbose" +
    "\n\t-O\tExtract to stdout" +
    "\n\t-m\tDon't restore mtime" +
    "\n\t-o\tDon't restore user:group" +
    "\n\t-k\tDon't replace existing files" +
    "\n\t-z\t(De)compress using gzip" +
    "\n\t-J\t(De)compress using xz" +
    "\n\t-j\t(De)compress using bzip2" +
    "\n\t-a\t(De)compress using lzma" +
    "\n\t-h\tFollow symlinks" +
    "\n\t-T FILE\tFile with names to include" +
    "\n\t-X FILE\tFile with glob patterns to exclude" +
    "\n\t--exclude PATTERN\tGlob pattern to exclude",

  tee:
    "[-ai] [FILE]..." +
    "\n\n" +
    "Copy stdin to each FILE, and also to stdout\n" +
    "\n\t-a\tAppend to the given FILEs, don't overwrite" +
    "\n\t-i\tIgnore interrupt signals (SIGINT)",

  timeout: // the pre-1.30 syntax
    "[-t SECS] [-s SIG] PROG ARGS" +
    "\n\n" +
    "Runs PROG. Sends SIG to it if it is not gone in SECS seconds.\n" +
    "Defaults: SECS: 10, SIG: TERM.",

  top: // FEATURE_TOP_INTERACTIVE, FEATURE_TOPMEM, FEATURE_TOP_CPU_USAGE_PERCENTAGE, FEATURE_TOP_SMP_CPU, FEATURE_SHOW_THREADS =y
    "[-b] [-nCOUNT] [-dSECONDS] [-m]" +
    "\n\n" +
    "Provide a view of process activity in real time." +
    "\nRead the status of all processes from /proc each SECONDS" +
    "\nand display a screenful of them." +
    "\n" +
    "Keys:" +
    "\n\tN/M/P/T: show CPU usage, sort by pid/mem/cpu/time" +
    "\n\tS: show memory" +
    "\n\tR: reverse sort" +
    "\n\tH: toggle threads, 1: toggle SMP" +
    "\n\tQ,^C: exit" +
    "\n" +
    "\nOptions:" +
    "\n\t-b\tBatch mode" +
    "\n\t-n N\tExit after N iterations" +
    "\n\t-d N\tDelay between updates" +
    "\n\t-m\tSame as 's' key",

  touch: // FEATURE_TOUCH_NODEREF=y, FEATURE_TOUCH_SUSV3=y (no -a/-m yet)
    "[-c] [-d DATE] [-t DATE] [-r FILE] FILE..." +
    "\n\n" +
    "Update the last-modified date on the given FILE[s]\n" +
    "\n\t-c\tDon't create files" +
    "\n\t-h\tDon't follow links" +
    "\n\t-d DT\tDate/time to use" +
    "\n\t-t DT\tDate/time to use" +
    "\n\t-r FILE\tUse FILE's date/time",

  tr:
    "[-cds] STRING1 [STRING2]" +
    "\n\n" +
    "Translate, squeeze, or delete characters from stdin, writing to stdout\n" +
    "\n\t-c\tTake complement of STRING1" +
    "\n\t-d\tDelete input characters coded STRING1" +
    "\n\t-s\tSqueeze multiple output characters of STRING2 into one character",

  uname:
    "[-amnrspvio]" +
    "\n\n" +
    "Print system information\n" +
    "\n\t-a\tPrint all" +
    "\n\t-m\tThe machine (hardware) type" +
    "\n\t-n\tHostname" +
    "\n\t-r\tKernel release" +
    "\n\t-s\tKernel name (default)" +
    "\n\t-p\tProcessor type" +
    "\n\t-v\tKernel version" +
    "\n\t-i\tThe hardware platform" +
    "\n\t-o\tOS name",

  uniq:
    "[-cdu][-f,s,w N] [INPUT [OUTPUT]]" +
    "\n\n" +
    "Discard duplicate lines\n" +
    "\n\t-c\tPrefix lines by the number of occurrences" +
    "\n\t-d\tOnly print duplicate lines" +
    "\n\t-u\tOnly print unique lines" +
    "\n\t-i\tIgnore case" +
    "\n\t-f N\tSkip first N fields" +
    "\n\t-s N\tSkip first N chars (after any skipped fields)" +
    "\n\t-w N\tCompare N characters in line",

  uptime:
    "" +
    "\n\n" +
    "Display the time since the last boot",

  wc: // UNICODE_SUPPORT=y, so -m is shown
    "[-cmlwL] [FILE]..." +
    "\n\n" +
    "Count lines, words, and bytes for each FILE (or stdin)\n" +
    "\n\t-c\tCount bytes" +
    "\n\t-m\tCount characters" +
    "\n\t-l\tCount newlines" +
    "\n\t-w\tCount words" +
    "\n\t-L\tPrint longest line length",

  wget: // FEATURE_WGET_LONG_OPTIONS=y, FEATURE_WGET_TIMEOUT=y
    "[-c|--continue] [--spider] [-q|--quiet] [-O|--output-document FILE]\n" +
    "\t[--header 'header: value'] [-Y|--proxy on/off] [-P DIR]\n" +
    "\t[-S|--server-response] [-U|--user-agent AGENT] [-T SEC] URL..." +
    "\n\n" +
    "Retrieve files via HTTP or FTP\n" +
    "\n\t--spider\tOnly check URL existence: $? is 0 if exists" +
    "\n\t-c\t\tContinue retrieval of aborted transfer" +
    "\n\t-q\t\tQuiet" +
    "\n\t-P DIR\t\tSave to DIR (default .)" +
    "\n\t-S    \t\tShow server response" +
    "\n\t-T SEC\t\tNetwork read timeout is SEC seconds" +
    "\n\t-O FILE\t\tSave to FILE ('-' for stdout)" +
    "\n\t-U STR\t\tUse STR for User-Agent header" +
    "\n\t-Y on/off\tUse proxy",

  which:
    "[COMMAND]..." +
    "\n\n" +
    "Locate a COMMAND",

  whoami:
    "" +
    "\n\n" +
    "Print the user name associated with the current effective user id",

  xargs: // every FEATURE_XARGS_SUPPORT_* =y
    "[OPTIONS] [PROG ARGS]" +
    "\n\n" +
    "Run PROG on every item given by stdin\n" +
    "\n\t-p\tAsk user whether to run each command" +
    "\n\t-r\tDon't run command if input is empty" +
    "\n\t-0\tInput is separated by NULs" +
    "\n\t-a FILE\tRead from FILE instead of stdin" +
    "\n\t-t\tPrint the command on stderr before execution" +
    "\n\t-e[STR]\tSTR stops input processing" +
    "\n\t-n N\tPass no more than N args to PROG" +
    "\n\t-s N\tPass command line of no more than N bytes" +
    "\n\t-I STR\tReplace STR within PROG ARGS with input line" +
    "\n\t-P N\tRun up to N PROGs in parallel" +
    "\n\t-x\tExit if size is exceeded",

  yes:
    "[STRING]" +
    "\n\n" +
    "Repeatedly output a line with STRING, or 'y'",

  zcat:
    "[FILE]..." +
    "\n\n" +
    "Decompress to stdout",
};

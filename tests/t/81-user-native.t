#!/usr/bin/env bash
# 81-user-native.t - the user test programs (user/tests/*.c, static i386 ELF executables) run on
# this machine under Linux, each compared with the output checked in beside it
# (user/tests/<program>.out): that output is the oracle our kernel's runs of the same files will
# be compared with. A program's arguments, if any, are the words of user/tests/<program>.args.
# Each runs in the folder of the built programs (exec.c runs `args` by its bare name, as our
# kernel will find it among the modules), with Linux's default 8 MiB stack limit (`ulimit -s
# 8192`: stack.c's endless recursion must stop there, whatever the caller's limit) and 128 MiB of
# address space (`ulimit -v`: hog.c's endless allocation ends with ENOMEM, not by eating the
# machine), with user/tests/<program>.in as its standard input if there is one (else /dev/null),
# and must exit with status 0 (its number of failed checks). A machine that cannot run i386 executables (no IA-32 emulation in
# its kernel) skips the whole script, saying so.
# forkbomb.c forks until fork fails with EAGAIN, which Linux answers when the real user's process
# count reaches RLIMIT_NPROC (kernel/fork.c copy_process) - but never for root. So it runs as
# `nobody` (setpriv, util-linux) with a limit of nobody's processes plus 16 (prlimit), from a copy
# in a folder of its own that nobody can read; where that cannot be done (not root, no setpriv or
# prlimit, no user nobody) its check is a TAP skip that says why.
source "$(dirname "$0")/../lib.sh"

progs=()
for src in "$ROOT"/user/tests/*.c; do progs+=("$(basename "$src" .c)"); done

probe="$BUILD/user/${progs[0]}"
if [ -x "$probe" ] && ! "$probe" >/dev/null 2>"$T_DIR/probe.err" &&
	grep -qi 'exec format error\|cannot execute' "$T_DIR/probe.err"; then
	echo "1..0 # SKIP this machine cannot run i386 executables (no IA-32 emulation)"
	exit 0
fi

tap_plan "${#progs[@]}"
for p in "${progs[@]}"; do
	bin="$BUILD/user/$p" want="$ROOT/user/tests/$p.out" got="$T_DIR/$p.out"
	if [ ! -x "$bin" ] || [ ! -f "$want" ]; then
		tap_fail "$p: $bin not built or $want missing"
		continue
	fi
	args=() in=/dev/null
	[ -f "$ROOT/user/tests/$p.args" ] && read -r -a args <"$ROOT/user/tests/$p.args"
	[ -f "$ROOT/user/tests/$p.in" ] && in="$ROOT/user/tests/$p.in"
	rc=0
	if [ "$p" = forkbomb ]; then
		if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null ||
			! command -v prlimit >/dev/null || ! id -u nobody >/dev/null 2>&1; then
			T_COUNT=$((T_COUNT + 1))
			echo "ok $T_COUNT - $p # SKIP needs root, setpriv, prlimit and a user nobody" \
				"(Linux never limits root's processes)"
			continue
		fi
		uid=$(id -u nobody) gid=$(id -g nobody)
		limit=$(($(ps -u "$uid" --no-headers | wc -l) + 16))
		dir="$T_DIR/limited"
		rm -rf "$dir" && mkdir -m 755 "$dir" && cp "$bin" "$dir/"
		(ulimit -s 8192 && ulimit -v 131072 && cd "$dir" &&
			exec timeout -k 5 60 prlimit --nproc="$limit" setpriv --reuid="$uid" \
			--regid="$gid" --clear-groups "./$p") >"$got" 2>"$T_DIR/$p.err" </dev/null || rc=$?
	else
		(ulimit -s 8192 && ulimit -v 131072 && cd "$BUILD/user" &&
			exec timeout -k 5 60 "$bin" "${args[@]}") \
			>"$got" 2>"$T_DIR/$p.err" <"$in" || rc=$?
	fi
	if [ "$rc" -eq 0 ] && diff -u "$want" "$got" >"$T_DIR/$p.diff"; then
		tap_ok "$p: output as recorded, exit status 0"
	else
		tap_fail "$p: exit status $rc"
		tap_diag <"$T_DIR/$p.diff"
	fi
done
tap_done

#!/usr/bin/env bash
# 21-pmm-fuzz.t - smoke runs of the PMM's libFuzzer harnesses (ASan + UBSan): the map sanitiser
# against a brute-force reference, and operation sequences against a byte-per-frame reference.
# A fixed seed and a fixed number of runs keep it reproducible and short; `make fuzz` runs them
# for FUZZ_SECONDS each with a corpus kept under build/fuzz/.
source "$(dirname "$0")/../lib.sh"

fuzzers=("fuzz_memmap 60000" "fuzz_pmm 25000")
tap_plan "${#fuzzers[@]}"
for f in "${fuzzers[@]}"; do
	set -- $f
	name=$1 runs=$2
	bin="$BUILD/fuzz/$name"
	if [ ! -x "$bin" ]; then tap_fail "$name: $bin not built"; continue; fi
	corpus="$T_DIR/corpus-$name"
	rm -rf "$corpus" && mkdir -p "$corpus"
	log="$T_DIR/$name.log"
	if (cd "$T_DIR" && "$bin" -seed=1 -runs="$runs" "$corpus" >"$log" 2>&1); then
		tap_ok "$name: $runs runs, no crash ($(grep -a -o 'cov: [0-9]*' "$log" | tail -n1))"
	else
		tap_fail "$name: crashed (see $log)"
		tail -n 40 "$log" | tap_diag
	fi
done
tap_done

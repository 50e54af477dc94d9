#!/bin/sh
# SPDX-License-Identifier: ISC
# baremetal.sh CPU - runs the bare-metal demo kernel of the virt port
# (examples/kernel/demo.c on lib/virt-CPU/) under qemu-system-CPU, which
# make check built as baremetal/CPU/*.elf:
#   - twice with -icount (a deterministic virtual clock): both runs pass,
#     and their reports are the same byte for byte;
#   - once in real time: it passes;
#   - the deliberately broken images, which must fail (or hang and be
#     killed by the timeout): break-frame, whose trap entry leaves an
#     integer register out of the trap frame; break-bracket, with an empty
#     switch bracket; on aarch64 also break-simd, whose trap frame keeps
#     only the low 64 bits of each SIMD register.
# A run passes when the emulation exits 0 and the report has every line
# below marked ok.  Skips (77) when configure found no compiler or
# emulator for CPU; fails instead when --enable-baremetal-tests=yes.
# tests/baremetal-CPU.test runs it.
set -u
cpu=${1:?usage: baremetal.sh CPU}
: "${top_builddir:?}"

case $cpu in
riscv64)
	qemu=${QEMU_SYSTEM_RISCV64:-}
	machine="-machine virt -bios none"
	packages="gcc-riscv64-linux-gnu qemu-system-misc"
	;;
aarch64)
	qemu=${QEMU_SYSTEM_AARCH64:-}
	machine="-machine virt,gic-version=2 -cpu cortex-a57
		-semihosting-config enable=on,target=native"
	packages="gcc-aarch64-linux-gnu qemu-system-arm"
	;;
*)
	echo "baremetal.sh: no virt port for $cpu"
	exit 99
	;;
esac
dir=$top_builddir/baremetal/$cpu

if [ -z "$qemu" ] || [ ! -f "$dir/demo.elf" ]; then
	why="configure found no $cpu compiler or no qemu-system-$cpu (Debian: apt-get install $packages)"
	if [ "${PMT_BAREMETAL_TESTS:-auto}" = yes ]; then
		echo "FAIL: --enable-baremetal-tests=yes, but the $cpu image is missing: $why"
		exit 1
	fi
	echo "SKIP: bare-metal $cpu test: $why"
	exit 77
fi

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# The report lines each passing run must mark ok.
checks='busy0: busy1: fp.nearest: fp.zero: fp.down: fp.up: fp:.the.four
	regs0: regs1: sleeper: stall: interrupts.found joined ticks'

# run NAME IMAGE TIMEOUT [QEMU-OPTIONS...]: runs IMAGE, its console in
# $tmp/NAME; sets status to the emulator's exit status (124: timed out).
run() {
	name=$1 image=$2 limit=$3
	shift 3
	# shellcheck disable=SC2086
	timeout "$limit" "$qemu" $machine -nographic -monitor none \
		-nic none -serial stdio -kernel "$image" "$@" </dev/null \
		>"$tmp/$name" 2>&1
	status=$?
	echo "--- $name: exit status $status"
	sed 's/\r$//' "$tmp/$name"
}

# passed NAME [realtime]: did run NAME pass?  In real time the two
# timing checks (the sleeper's ticks, the stall's catch-up) are notes, not
# failures: a host too busy to run the emulator's timer thread delivers
# the timer interrupt late, or several ticks at once, whatever the guest
# does.  Under -icount time is the guest's own and they must pass.
passed() {
	tr -d '\r' <"$tmp/$1" >"$tmp/$1.txt"
	if [ "${2:-}" = realtime ] && [ "$status" -eq 1 ] &&
	    grep -Eq '^FAIL (sleeper|stall):' "$tmp/$1.txt" &&
	    ! grep '^FAIL ' "$tmp/$1.txt" | grep -Evq '^FAIL (sleeper|stall):'; then
		echo "note: timing in real time on a busy host:"
		grep '^FAIL ' "$tmp/$1.txt"
		sed -e 's/^FAIL sleeper:/ok   sleeper:/' \
		    -e 's/^FAIL stall:/ok   stall:/' -e 's/^FAIL$/PASS/' \
		    "$tmp/$1.txt" >"$tmp/$1.relaxed" &&
			mv "$tmp/$1.relaxed" "$tmp/$1.txt"
		status=0
	fi
	[ "$status" -eq 0 ] || return 1
	grep -q '^PASS$' "$tmp/$1.txt" || return 1
	! grep -q '^FAIL' "$tmp/$1.txt" || return 1
	for c in $checks; do
		grep -q "^ok   $(echo "$c" | tr . ' ')" "$tmp/$1.txt" || {
			echo "no ok line for '$(echo "$c" | tr . ' ')'"
			return 1
		}
	done
}

fail=0
icount="shift=3,sleep=off,align=off"

run icount1 "$dir/demo.elf" 60 -icount "$icount"
passed icount1 || { echo "FAIL: the $cpu demo failed under -icount"; fail=1; }
# The virtual clock stands still while the host does not run the
# emulator: the stall is always measured.
grep -q '^ok   stall: [0-9]* ticks missed and counted' "$tmp/icount1.txt" ||
	{ echo "FAIL: the $cpu demo did not measure the stall under -icount"; fail=1; }
run icount2 "$dir/demo.elf" 60 -icount "$icount"
passed icount2 || { echo "FAIL: the $cpu demo failed under -icount (second run)"; fail=1; }
if cmp -s "$tmp/icount1" "$tmp/icount2"; then
	echo "ok: the two -icount runs printed the same report, byte for byte"
else
	echo "FAIL: the two -icount runs differ"
	diff "$tmp/icount1" "$tmp/icount2"
	fail=1
fi
run realtime "$dir/demo.elf" 60
passed realtime realtime || { echo "FAIL: the $cpu demo failed in real time"; fail=1; }

# The broken images must not pass: the checks bite.
broken_images='frame bracket'
[ "$cpu" = aarch64 ] && broken_images="$broken_images simd"
for broken in $broken_images; do
	run "break-$broken" "$dir/break-$broken.elf" 20 -icount "$icount"
	if passed "break-$broken"; then
		echo "FAIL: the $cpu image built with a broken $broken passed"
		fail=1
	elif [ "$status" -eq 124 ]; then
		echo "ok: the image with a broken $broken hung and was killed"
	else
		echo "ok: the image with a broken $broken failed, as it must"
	fi
done

[ "$fail" -eq 0 ] && echo "PASS: bare-metal $cpu"
exit "$fail"

#!/bin/sh
# SPDX-License-Identifier: ISC
# build.sh - builds a bare-metal image for QEMU's virt machine: the
# unchanged core (lib/*.c) and CPU port (arch/CPU/), the virt port
# (lib/virt/, lib/virt-CPU/) and a kernel, with a freestanding cross
# compiler and the port's linker script.  make check runs it
# (Makefile.am); a kernel of one's own is built the same way.
#
#   sh build.sh SRCDIR CPU CC OUTPUT 'EXTRA_FLAGS' SOURCE...
#
# SOURCE paths are relative to SRCDIR; EXTRA_FLAGS go to every compile
# (the -D options of a deliberately broken build, for instance).  The
# objects go to OUTPUT.o/, removed afterwards.
set -eu
[ $# -ge 5 ] || { echo "usage: $0 SRCDIR CPU CC OUTPUT 'FLAGS' SOURCE..." >&2; exit 2; }
srcdir=$1 cpu=$2 cc=$3 out=$4 extra=$5
shift 5

case $cpu in
riscv64) cpuflags="-march=rv64gc -mabi=lp64d -mcmodel=medany" ;;
# No MMU: memory is Device memory, where unaligned accesses fault.
aarch64) cpuflags="-march=armv8-a -mstrict-align" ;;
*) echo "$0: no virt port for $cpu" >&2; exit 2 ;;
esac

# Only the compiler's own headers (stddef.h, stdint.h), not a C library's.
ccinc=$($cc -print-file-name=include)
flags="-std=c11 -ffreestanding -nostdlib -nostartfiles -static -fno-pic
	-fno-stack-protector -fno-tree-loop-distribute-patterns
	-frounding-math -O2 -g -Wall -Wextra -Werror
	-nostdinc -isystem $ccinc $cpuflags
	-I$srcdir/include -I$srcdir/lib -I$srcdir/arch/$cpu
	-I$srcdir/lib/virt -I$srcdir/lib/virt-$cpu
	-DPMT_PORT_BRACKET_H=\"virt/bracket.h\" -DPMT_CONFIG_MAX_THREADS=16
	-DPMT_DEMO_CPU=\"$cpu\" $extra"

# One loadable segment, read, write and execute: no MMU to tell them apart.
ldflags=-Wl,--build-id=none
if $cc -Wl,--no-warn-rwx-segments -Wl,--version >/dev/null 2>&1; then
	ldflags="$ldflags -Wl,--no-warn-rwx-segments"
fi

objdir=$out.o
rm -rf "$objdir"
mkdir -p "$objdir"
objs=
for src in "$@"; do
	obj=$objdir/$(echo "$src" | tr / _).o
	# shellcheck disable=SC2086
	$cc $flags -c "$srcdir/$src" -o "$obj"
	objs="$objs $obj"
done
# shellcheck disable=SC2086
$cc $flags $ldflags -T "$srcdir/lib/virt-$cpu/link.ld" -o "$out.tmp" \
	$objs -lgcc
mv "$out.tmp" "$out"
rm -rf "$objdir"

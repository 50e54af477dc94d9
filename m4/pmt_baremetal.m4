# SPDX-License-Identifier: ISC
# PMT_BAREMETAL: the bare-metal tests of make check, which build an image
# of the virt port (lib/virt-CPU/) for each CPU with a second, freestanding
# compiler and run it under qemu-system-CPU.  --enable-baremetal-tests=
# auto (the default) runs those whose compiler and emulator configure
# finds, yes stops configure unless it finds all, no runs none.  The
# compilers are found with AC_CHECK_PROGS, not AC_CHECK_TOOLS: they build
# for a machine of their own, whatever --host says.
AC_DEFUN([PMT_BAREMETAL], [
  AC_ARG_ENABLE([baremetal-tests],
    [AS_HELP_STRING([--enable-baremetal-tests=auto|yes|no],
      [build the bare-metal riscv64 and aarch64 images and run them under qemu-system-* in make check (default: auto, when the cross compiler and emulator are found)])],
    [AS_CASE([$enableval], [yes|no|auto], [],
      [AC_MSG_ERROR([--enable-baremetal-tests takes auto, yes or no, not '$enableval'])])],
    [enable_baremetal_tests=auto])
  AC_ARG_VAR([RISCV64_CC],
    [compiler for the bare-metal riscv64 image (default: riscv64-linux-gnu-gcc or riscv64-unknown-elf-gcc, used freestanding)])
  AC_ARG_VAR([AARCH64_CC],
    [compiler for the bare-metal aarch64 image (default: aarch64-linux-gnu-gcc or aarch64-none-elf-gcc, used freestanding)])
  AC_ARG_VAR([QEMU_SYSTEM_RISCV64], [emulator for the bare-metal riscv64 image])
  AC_ARG_VAR([QEMU_SYSTEM_AARCH64], [emulator for the bare-metal aarch64 image])
  AS_IF([test "x$enable_baremetal_tests" != xno], [
    AC_CHECK_PROGS([RISCV64_CC],
      [riscv64-linux-gnu-gcc riscv64-unknown-elf-gcc riscv64-elf-gcc])
    AC_CHECK_PROGS([AARCH64_CC],
      [aarch64-linux-gnu-gcc aarch64-none-elf-gcc aarch64-elf-gcc])
    AC_CHECK_PROGS([QEMU_SYSTEM_RISCV64], [qemu-system-riscv64])
    AC_CHECK_PROGS([QEMU_SYSTEM_AARCH64], [qemu-system-aarch64])
  ])
  PMT_BAREMETAL_CPU([riscv64], [$RISCV64_CC], [$QEMU_SYSTEM_RISCV64],
    [gcc-riscv64-linux-gnu qemu-system-misc])
  pmt_baremetal_riscv64=$pmt_baremetal_cpu
  pmt_baremetal_riscv64_summary=$pmt_baremetal_summary
  PMT_BAREMETAL_CPU([aarch64], [$AARCH64_CC], [$QEMU_SYSTEM_AARCH64],
    [gcc-aarch64-linux-gnu qemu-system-arm])
  pmt_baremetal_aarch64=$pmt_baremetal_cpu
  pmt_baremetal_aarch64_summary=$pmt_baremetal_summary
  AC_SUBST([PMT_BAREMETAL_TESTS], [$enable_baremetal_tests])
  AM_CONDITIONAL([PMT_BAREMETAL_RISCV64],
    [test "x$pmt_baremetal_riscv64" = xyes])
  AM_CONDITIONAL([PMT_BAREMETAL_AARCH64],
    [test "x$pmt_baremetal_aarch64" = xyes])
])

# PMT_BAREMETAL_CPU(CPU, COMPILER, EMULATOR, DEBIAN-PACKAGES): can make
# check build and run the CPU's image?  Sets pmt_baremetal_cpu to yes or
# no and pmt_baremetal_summary; an error when that is no and the tests
# were asked for with yes.  The compiler must compile freestanding code
# and name its libgcc, which the images link for the demo kernel.
AC_DEFUN([PMT_BAREMETAL_CPU], [
  pmt_baremetal_cpu=no
  AS_IF([test "x$enable_baremetal_tests" = xno],
      [pmt_baremetal_summary="no (--disable-baremetal-tests)"],
    [test -z "$2"],
      [pmt_baremetal_summary="no: no $1 compiler found"],
    [test -z "$3"],
      [pmt_baremetal_summary="no: qemu-system-$1 not found"],
    [! $3 --version >&AS_MESSAGE_LOG_FD 2>&1],
      [pmt_baremetal_summary="no: $3 does not run"],
    [AC_MSG_CHECKING([whether $2 builds freestanding $1 code])
     echo 'int pmt_probe(void) { return 0; }' >conftest.c
     AS_IF([$2 -ffreestanding -c conftest.c -o conftest.o >&AS_MESSAGE_LOG_FD 2>&1 &&
            test -f "`$2 -print-libgcc-file-name 2>/dev/null`"],
         [AC_MSG_RESULT([yes])
          pmt_baremetal_cpu=yes
          pmt_baremetal_summary="yes ($2, $3)"],
       [AC_MSG_RESULT([no])
        pmt_baremetal_summary="no: $2 does not build freestanding $1 code with libgcc"])
     rm -f conftest.c conftest.o])
  AS_IF([test "x$enable_baremetal_tests$pmt_baremetal_cpu" = xyesno],
    [AC_MSG_ERROR([--enable-baremetal-tests=yes, but the bare-metal $1 test cannot run ($pmt_baremetal_summary; Debian: apt-get install $4)])])
])

# SPDX-License-Identifier: ISC
# PMT_ARCH: choose the CPU port in arch/ from $host_cpu.
AC_DEFUN([PMT_ARCH], [
  AC_REQUIRE([AC_CANONICAL_HOST])
  AC_MSG_CHECKING([for the libpmt CPU port])
  AS_CASE([$host_cpu],
    [x86_64|amd64], [pmt_arch=x86_64],
    [aarch64|arm64], [pmt_arch=aarch64],
    [riscv64], [pmt_arch=riscv64],
    [AC_MSG_RESULT([none])
     AC_MSG_ERROR([libpmt has no port for the CPU '$host_cpu' yet; see PORTING for the ports there are and how to add one])])
  AC_MSG_RESULT([$pmt_arch])
  AC_SUBST([PMT_ARCH], [$pmt_arch])
  AM_CONDITIONAL([PMT_ARCH_X86_64], [test "x$pmt_arch" = xx86_64])
  AM_CONDITIONAL([PMT_ARCH_AARCH64], [test "x$pmt_arch" = xaarch64])
  AM_CONDITIONAL([PMT_ARCH_RISCV64], [test "x$pmt_arch" = xriscv64])
])

# PMT_TEST_WRAPPER: the command that runs the tests' programs.  Empty for
# a native build.  When cross compiling, the user's TEST_WRAPPER, or else
# qemu-user for $host_cpu with the cross C library's root as its -L
# prefix (/usr/$host_alias, where Debian's libc6-dev-<arch>-cross puts
# it), when configure finds qemu-$host_cpu.
AC_DEFUN([PMT_TEST_WRAPPER], [
  AC_REQUIRE([AC_CANONICAL_HOST])
  AC_ARG_VAR([TEST_WRAPPER],
    [command that runs the test programs, for a cross build (default: qemu-$host_cpu -L /usr/$host_alias when found)])
  AC_MSG_CHECKING([for the command that runs the test programs])
  AS_IF([test -n "${TEST_WRAPPER+set}"],
      [pmt_test_wrapper_summary="${TEST_WRAPPER:-none} (set by the user)"],
    [test "x$cross_compiling" != xyes],
      [TEST_WRAPPER=
       pmt_test_wrapper_summary="none (native build)"],
    [pmt_qemu=
     AS_IF([test -n "$host_alias"], [pmt_qemu_root=/usr/$host_alias],
       [pmt_qemu_root=/usr/$host])
     for pmt_prog in qemu-$host_cpu qemu-$host_cpu-static; do
       AS_IF([command -v $pmt_prog >/dev/null 2>&1],
         [pmt_qemu=$pmt_prog; break])
     done
     AS_IF([test -n "$pmt_qemu"],
         [TEST_WRAPPER="$pmt_qemu -L $pmt_qemu_root"
          pmt_test_wrapper_summary="$TEST_WRAPPER"],
       [TEST_WRAPPER=
        pmt_test_wrapper_summary="none: qemu-$host_cpu not found, make check cannot run the tests"
        AC_MSG_WARN([cross compiling and qemu-$host_cpu not found: make check will fail unless the kernel runs $host_cpu programs (Debian: apt-get install qemu-user), or set TEST_WRAPPER])])])
  AC_MSG_RESULT([$pmt_test_wrapper_summary])
  AM_CONDITIONAL([PMT_TEST_WRAPPED], [test -n "$TEST_WRAPPER"])
])

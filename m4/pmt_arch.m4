# SPDX-License-Identifier: ISC
# PMT_ARCH: choose the CPU port in arch/ from $host_cpu.
AC_DEFUN([PMT_ARCH], [
  AC_REQUIRE([AC_CANONICAL_HOST])
  AC_MSG_CHECKING([for the libpmt CPU port])
  AS_CASE([$host_cpu],
    [x86_64|amd64], [pmt_arch=x86_64],
    [AC_MSG_RESULT([none])
     AC_MSG_ERROR([libpmt has no port for the CPU '$host_cpu' yet; see PORTING for the ports there are and how to add one])])
  AC_MSG_RESULT([$pmt_arch])
  AC_SUBST([PMT_ARCH], [$pmt_arch])
  AM_CONDITIONAL([PMT_ARCH_X86_64], [test "x$pmt_arch" = xx86_64])
])

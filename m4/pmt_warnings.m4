# SPDX-License-Identifier: ISC
# PMT_WARN_CFLAGS: the warnings the compiler accepts, in WARN_CFLAGS (for
# AM_CFLAGS; the user's CFLAGS stay theirs), and --enable-werror.
AC_DEFUN([PMT_WARN_CFLAGS], [
  AC_ARG_ENABLE([werror],
    [AS_HELP_STRING([--enable-werror], [treat compiler warnings as errors])],
    [], [enable_werror=no])
  WARN_CFLAGS=
  for pmt_flag in -Wall -Wextra -Wshadow -Wstrict-prototypes \
      -Wmissing-prototypes -Wpointer-arith -Wcast-align -Wwrite-strings \
      -Wundef -Wvla -Wformat=2; do
    PMT_CHECK_CFLAG([$pmt_flag], [WARN_CFLAGS="$WARN_CFLAGS $pmt_flag"])
  done
  AS_CASE([$enable_werror],
    [yes], [WARN_CFLAGS="$WARN_CFLAGS -Werror"],
    [no], [],
    [AC_MSG_ERROR([--enable-werror takes yes or no])])
  AC_SUBST([WARN_CFLAGS])
])

# PMT_CHECK_CFLAG(FLAG, ACTION-IF-ACCEPTED): does $CC take FLAG without a
# warning?  Cached per flag.
AC_DEFUN([PMT_CHECK_CFLAG], [
  AS_VAR_PUSHDEF([pmt_cache], [pmt_cv_cflag_$1])
  AC_CACHE_CHECK([whether $CC accepts $1], [pmt_cache], [
    pmt_save_CFLAGS=$CFLAGS
    CFLAGS="$CFLAGS -Werror $1"
    AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
      [AS_VAR_SET([pmt_cache], [yes])], [AS_VAR_SET([pmt_cache], [no])])
    CFLAGS=$pmt_save_CFLAGS])
  AS_VAR_IF([pmt_cache], [yes], [$2])
  AS_VAR_POPDEF([pmt_cache])
])

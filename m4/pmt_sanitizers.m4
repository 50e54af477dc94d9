# SPDX-License-Identifier: ISC
# PMT_SANITIZERS: --enable-sanitizers builds the library, the tests and the
# examples with AddressSanitizer and UndefinedBehaviorSanitizer, for
# testing.  Sets SANITIZE_CFLAGS (for AM_CFLAGS and AM_LDFLAGS; the user's
# CFLAGS stay theirs) and SANITIZE_CPPFLAGS, which defines
# PMT_SANITIZE_ADDRESS for lib/: the core then tells ASan of every switch
# (lib/fiber.h).  A link test, so the answer holds when cross compiling.
AC_DEFUN([PMT_SANITIZERS], [
  AC_ARG_ENABLE([sanitizers],
    [AS_HELP_STRING([--enable-sanitizers],
      [build with AddressSanitizer and UndefinedBehaviorSanitizer (for testing)])],
    [], [enable_sanitizers=no])
  SANITIZE_CFLAGS=
  SANITIZE_CPPFLAGS=
  AS_CASE([$enable_sanitizers],
    [yes], [
      pmt_san_flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
      AC_CACHE_CHECK([whether $CC builds with $pmt_san_flags and switches stacks],
        [pmt_cv_sanitizers], [
        pmt_save_CFLAGS=$CFLAGS
        pmt_save_LDFLAGS=$LDFLAGS
        CFLAGS="$CFLAGS $pmt_san_flags"
        LDFLAGS="$LDFLAGS $pmt_san_flags"
        AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>]],
          [[static char stack[4096];
            void *fake; const void *bottom; size_t size;
            __asan_unpoison_memory_region(stack, sizeof stack);
            __sanitizer_start_switch_fiber(&fake, stack, sizeof stack);
            __sanitizer_finish_switch_fiber(fake, &bottom, &size);
            return size == 0;]])],
          [pmt_cv_sanitizers=yes], [pmt_cv_sanitizers=no])
        CFLAGS=$pmt_save_CFLAGS
        LDFLAGS=$pmt_save_LDFLAGS])
      AS_IF([test "x$pmt_cv_sanitizers" != xyes],
        [AC_MSG_ERROR([--enable-sanitizers: $CC cannot link with $pmt_san_flags, or lacks <sanitizer/common_interface_defs.h> with __sanitizer_start_switch_fiber (GCC 7 or later, Clang 4 or later; Debian: libasan and libubsan come with gcc)])])
      SANITIZE_CFLAGS=$pmt_san_flags
      SANITIZE_CPPFLAGS=-DPMT_SANITIZE_ADDRESS=1
      pmt_sanitize_summary="yes ($pmt_san_flags)"],
    [no], [pmt_sanitize_summary=no],
    [AC_MSG_ERROR([--enable-sanitizers takes yes or no])])
  AC_SUBST([SANITIZE_CFLAGS])
  AC_SUBST([SANITIZE_CPPFLAGS])
  AM_CONDITIONAL([PMT_SANITIZE], [test "x$enable_sanitizers" = xyes])
])

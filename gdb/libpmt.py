# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The libpmt authors
"""libpmt.py - gdb commands for programs that use libpmt.

    info pmt-threads        one line per libpmt thread in use
    pmt-backtrace ID [ARGS] backtrace of a parked thread (alias pmt-bt);
                            ARGS go to gdb's backtrace (full, -frame-info)

Load it with `source PATH/libpmt.py`; make install also installs it as
the auto-load script of the shared library.  Everything is read from the
library's debug information by field and enumerator name (the scheduler
state pmt_core, struct pmt_thread, enum pmt_state), so the commands keep
working when those grow; only the switch frame's layout is written here,
once per CPU, in FRAMES.
"""

import gdb

# The switch frame that pmt_arch_switch() leaves at a parked thread's saved
# stack pointer, per CPU: arch/<cpu>/frame.h is the authority, and
# tests/gdb.test checks these offsets against it.  "regs" maps each register
# the switch restores to its offset in the frame, the resume address
# included; the thread's stack pointer before the switch ("sp") is the
# saved one plus "size"; "cpu" names the arch/ folder.  Keys are gdb's
# architecture names.  Where the switch resumes a thread at an address
# kept in a register's slot rather than in the program counter's, "pc"
# names that register; where gdb shows a register as a union, "fields"
# names the member that holds its bits.
FRAMES = {
    "i386:x86-64": {
        "cpu": "x86_64",
        "sp": "rsp",
        "size": 64,
        "regs": {
            "r15": 8,
            "r14": 16,
            "r13": 24,
            "r12": 32,
            "rbx": 40,
            "rbp": 48,
            "rip": 56,
        },
    },
    "riscv:rv64": {
        "cpu": "riscv64",
        "sp": "sp",
        "size": 208,
        "regs": {
            "fcsr": 0,
            "fs0": 8,
            "fs1": 16,
            "fs2": 24,
            "fs3": 32,
            "fs4": 40,
            "fs5": 48,
            "fs6": 56,
            "fs7": 64,
            "fs8": 72,
            "fs9": 80,
            "fs10": 88,
            "fs11": 96,
            "s11": 104,
            "s10": 112,
            "s9": 120,
            "s8": 128,
            "s7": 136,
            "s6": 144,
            "s5": 152,
            "s4": 160,
            "s3": 168,
            "s2": 176,
            "s1": 184,
            "s0": 192,
            "pc": 200,
        },
    },
    "aarch64": {
        "cpu": "aarch64",
        "sp": "sp",
        "pc": "x30",
        "size": 176,
        "regs": {
            "x29": 0,
            "x30": 8,
            "x19": 16,
            "x20": 24,
            "x21": 32,
            "x22": 40,
            "x23": 48,
            "x24": 56,
            "x25": 64,
            "x26": 72,
            "x27": 80,
            "x28": 88,
            "d8": 96,
            "d9": 104,
            "d10": 112,
            "d11": 120,
            "d12": 128,
            "d13": 136,
            "d14": 144,
            "d15": 152,
            "fpcr": 160,
        },
        "fields": {"d%d" % n: "u" for n in range(8, 16)},
    },
}


class PmtError(gdb.GdbError):
    """An error the user can act on, printed without a Python traceback."""


def has_field(value, name):
    """Does the struct value have a field called name?"""
    return name in [f.name for f in value.type.strip_typedefs().fields()]


def field(value, name, default=None):
    """value[name], or default when the struct has no such field."""
    return value[name] if has_field(value, name) else default


def core():
    """The scheduler state pmt_core, or a PmtError saying why not."""
    try:
        state = gdb.parse_and_eval("pmt_core")
        state.type.strip_typedefs().fields()
    except (gdb.error, TypeError) as e:
        raise PmtError(
            "libpmt: cannot read pmt_core (%s); is the program linked with "
            "libpmt, running, and is libpmt built with debug information "
            "(-g)?" % e
        )
    init = field(state, "initialised")
    if init is not None and int(init) == 0:
        raise PmtError("libpmt: pmt_init() has not been called yet")
    return state


def state_names(thread):
    """Maps each enum pmt_state value to its enumerator's name without the
    PMT_ prefix, from the debug information."""
    etype = thread["state"].type.strip_typedefs()
    if etype.code != gdb.TYPE_CODE_ENUM:
        try:
            etype = gdb.lookup_type("enum pmt_state").strip_typedefs()
        except gdb.error:
            return {}
    names = {}
    for f in etype.fields():
        name = f.name
        if name.startswith("PMT_"):
            name = name[len("PMT_"):]
        names[int(f.enumval)] = name
    return names


def threads():
    """Yields (slot, thread, state name) for each thread in use."""
    state = core()
    table = state["threads"]
    first, last = table.type.strip_typedefs().range()
    names = None
    for slot in range(first, last + 1):
        t = table[slot]
        if names is None:
            names = state_names(t)
        value = int(t["state"])
        name = names.get(value, str(value))
        if name == "FREE" or (not names and value == 0):
            continue
        yield slot, t, name


def current():
    """Address of the running thread's control block."""
    return int(core()["current"])


def pointer(value):
    """A pointer field as an integer, 0 for NULL or a missing field."""
    return 0 if value is None else int(value)


def symbol(addr):
    """The name of the function at addr, or addr in hex."""
    try:
        block = gdb.block_for_pc(addr)
        if block is not None and block.function is not None:
            return block.function.print_name
    except RuntimeError:
        pass
    out = gdb.execute("info symbol %#x" % addr, to_string=True)
    if out.startswith("No symbol"):
        return "%#x" % addr
    return out.split()[0]


def thread_name(t):
    """The name field of the control block, or "-" (absent or NULL)."""
    name = field(t, "name")
    if name is None or int(name) == 0:
        return "-"
    try:
        text = name.string(errors="replace")
    except (gdb.error, gdb.MemoryError):
        return "?"
    text = "".join(c if c.isprintable() and c != " " else "_" for c in text)
    if len(text) > 24:
        text = text[:23] + "~"
    return text or "-"


def frame_layout():
    """The FRAMES entry for the program's CPU, or a PmtError."""
    arch = gdb.newest_frame().architecture().name()
    layout = FRAMES.get(arch)
    if layout is None:
        raise PmtError(
            "libpmt: no switch frame layout for %s in libpmt.py "
            "(FRAMES knows %s)" % (arch, ", ".join(sorted(FRAMES)))
        )
    return layout


def word(addr):
    """The pointer-sized word at addr (every CPU libpmt supports is LP64)."""
    ptr = gdb.lookup_type("unsigned long").pointer()
    return int(gdb.Value(addr).cast(ptr).dereference())


def code_address(addr):
    """A resume address without its pointer authentication code, which
    the aarch64 switch signs it with under -mbranch-protection: the bits
    of gdb's $pauth_cmask where the target reports it, else those above
    the 48-bit user address space of Linux."""
    try:
        mask = gdb.parse_and_eval("$pauth_cmask")
        if mask.type.code != gdb.TYPE_CODE_VOID:
            return addr & ~int(mask)
    except gdb.error:
        pass
    return addr & ((1 << 48) - 1)


def size_text(n):
    """A byte count, in KiB or MiB when it is a whole number of them."""
    for unit, scale in (("M", 1 << 20), ("K", 1 << 10)):
        if n >= scale and n % scale == 0:
            return "%d%s" % (n // scale, unit)
    return str(n)


class InfoPmtThreads(gdb.Command):
    """List the libpmt threads in use.

Usage: info pmt-threads

One line per thread: its id (pmt_t), name ("-" when it has none), priority,
state, stack range and size, the bytes of stack in use now (for a parked
thread from the stack pointer its switch saved, for the running one from
$sp), and its entry function.  "*" marks the running thread.  The thread
that pmt_init() adopted runs on the process stack: no range, no entry."""

    def __init__(self):
        super().__init__("info pmt-threads", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        if arg.strip():
            raise PmtError("info pmt-threads takes no argument")
        running = current()
        layout = FRAMES.get(gdb.newest_frame().architecture().name())
        rows = []
        for slot, t, state in threads():
            lo = pointer(field(t, "stack_lo"))
            hi = pointer(field(t, "stack_hi"))
            is_current = int(t.address) == running
            if lo == 0 or hi == 0:
                stack, used = "-", "-"
            else:
                stack = "%#x-%#x %s" % (lo, hi, size_text(hi - lo))
                if is_current and layout is not None:
                    sp = int(gdb.newest_frame().read_register(layout["sp"]))
                else:
                    sp = pointer(field(t, "sp"))
                if state == "DONE" or not lo <= sp <= hi:
                    used = "-"
                else:
                    used = str(hi - sp)
            entry = pointer(field(t, "entry"))
            rows.append(
                (
                    "*" if is_current else " ",
                    str(int(t["id"])),
                    thread_name(t),
                    str(int(t["prio"])),
                    state,
                    stack,
                    used,
                    symbol(entry) if entry else "-",
                )
            )
        head = ("", "Id", "Name", "Prio", "State", "Stack", "Used", "Entry")
        widths = [max(len(r[i]) for r in rows + [head]) for i in range(8)]
        right = (1, 3, 6)  # numbers
        for r in [head] + rows:
            cells = [
                c.rjust(w) if i in right else c.ljust(w)
                for i, (c, w) in enumerate(zip(r, widths))
            ]
            gdb.write(" ".join(cells).rstrip() + "\n")


class PmtBacktrace(gdb.Command):
    """Backtrace of a parked libpmt thread.

Usage: pmt-backtrace ID [BACKTRACE-ARGUMENTS]
       pmt-bt ID [BACKTRACE-ARGUMENTS]

ID is a thread id (pmt_t) as info pmt-threads lists it, or an expression
that gives one.  The registers are loaded from the switch frame the thread
left on its stack, gdb's backtrace command runs with the arguments given
(full, -frame-info ...), and the registers and the selected frame are put
back as they were.  A thread preempted by the timer shows the handler, the
signal frame and the code it interrupted.  Needs a live process, as it
writes registers.  For the running thread, use backtrace."""

    def __init__(self, name):
        super().__init__(name, gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if not argv:
            raise PmtError("usage: pmt-backtrace ID [BACKTRACE-ARGUMENTS]")
        try:
            tid = int(gdb.parse_and_eval(argv[0]))
        except gdb.error as e:
            raise PmtError("pmt-backtrace: bad thread id %s: %s" % (argv[0], e))
        found = None
        for slot, t, state in threads():
            if int(t["id"]) == tid:
                found = (t, state)
        if found is None:
            raise PmtError(
                "pmt-backtrace: no thread has id %d (info pmt-threads lists "
                "them)" % tid
            )
        t, state = found
        if int(t.address) == current():
            raise PmtError(
                "pmt-backtrace: thread %d is the running one: use backtrace"
                % tid
            )
        if state == "DONE":
            raise PmtError(
                "pmt-backtrace: thread %d has finished (DONE): no frames "
                "left to show" % tid
            )
        layout = frame_layout()
        sp = int(t["sp"])
        regs = {r: word(sp + off) for r, off in layout["regs"].items()}
        regs[layout["sp"]] = sp + layout["size"]
        if "pc" in layout:
            regs["pc"] = code_address(regs[layout["pc"]])

        def backtrace():
            gdb.write(
                "libpmt thread %d (%s, priority %d), parked with sp %#x:\n"
                % (tid, state, int(t["prio"]), sp)
            )
            gdb.execute(" ".join(["backtrace"] + argv[1:]), from_tty)

        with_registers(regs, backtrace, layout.get("fields", {}))


def frame_level(frame):
    """How far frame is from the newest one (Frame.level() is gdb 11's)."""
    level, f = 0, gdb.newest_frame()
    while f is not None and f != frame:
        level, f = level + 1, f.older()
    return level if f is not None else 0


def register_bits(frame, name):
    """The contents of register name in frame as an integer: the raw bits
    of an FP register, whose type is a union of its formats (riscv64)."""
    value = frame.read_register(name)
    if value.type.strip_typedefs().code == gdb.TYPE_CODE_UNION:
        value = value.cast(gdb.lookup_type("unsigned long"))
    return int(value)


def with_registers(regs, action, fields=None):
    """Runs action with frame 0's registers set to regs, then puts back the
    registers and the selected frame as they were.  fields maps a register
    that gdb shows as a union to the member that holds its bits."""
    fields = fields or {}
    level = frame_level(gdb.selected_frame())
    newest = gdb.newest_frame()

    def read(r):
        if r in fields:
            return int(newest.read_register(r)[fields[r]])
        return register_bits(newest, r)

    saved = {r: read(r) for r in regs}

    def load(values):
        # $reg is the selected frame's register, and a write resets the
        # selection: select frame 0 for each.  The value is a full word:
        # gdb takes a word's bits for an FP register (riscv64), where a
        # narrower integer would be an invalid cast.
        for r, v in values.items():
            gdb.newest_frame().select()
            if r in fields:
                command = "set $%s.%s = %#x" % (r, fields[r], v)
            else:
                command = "set $%s = (unsigned long) %#x" % (r, v)
            gdb.execute(command, to_string=True)

    try:
        load(regs)
    except gdb.error as e:
        try:
            load(saved)
        except gdb.error:
            pass
        raise PmtError(
            "pmt-backtrace: cannot write registers (%s); it needs a live "
            "process" % e
        )
    try:
        action()
    finally:
        load(saved)
        frame = gdb.newest_frame()
        for _ in range(level):
            older = frame.older()
            if older is None:
                break
            frame = older
        frame.select()


InfoPmtThreads()
PmtBacktrace("pmt-backtrace")
PmtBacktrace("pmt-bt")

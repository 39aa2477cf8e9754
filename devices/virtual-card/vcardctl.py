#!/usr/bin/env python3
"""up / down / pull / insert / status for the DSKE virtual card (see docs/smart-cards.md).

Standard library only: PC/SC is reached through libpcsclite with ctypes, so `up` waits until
pcscd itself reports the card in the reader, not merely until the card process runs.

Run directory (default /tmp/dske-virtual-card, or $DSKE_VCARD_RUN): `pcscd.pid` and
`pcscd.log` when `up` started pcscd; `reader-N/` per virtual card with `card.pid`, `card.log`,
`control`, `reader` (the PC/SC reader name) and, unless --state is given, `card.json`.
"""

import argparse
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BASE_PORT = 35963
PCSCD_SOCKET = "/run/pcscd/pcscd.comm"

SCARD_S_SUCCESS = 0
SCARD_E_TIMEOUT = 0x8010000A
SCARD_E_NO_SERVICE = 0x8010001D
SCARD_E_NO_READERS_AVAILABLE = 0x8010002E
SCARD_SCOPE_SYSTEM = 2
SCARD_STATE_UNAWARE = 0
SCARD_STATE_PRESENT = 0x20


class ReaderState(ctypes.Structure):
    _fields_ = [("szReader", ctypes.c_char_p), ("pvUserData", ctypes.c_void_p),
                ("dwCurrentState", ctypes.c_ulong), ("dwEventState", ctypes.c_ulong),
                ("cbAtr", ctypes.c_ulong), ("rgbAtr", ctypes.c_ubyte * 33)]


class PCSC:
    """Just enough PC/SC to see readers and card presence (DWORD and LONG are long on Linux)."""

    def __init__(self):
        name = ctypes.util.find_library("pcsclite") or "libpcsclite.so.1"
        self.lib = ctypes.CDLL(name)
        self.lib.SCardEstablishContext.restype = ctypes.c_long
        self.lib.SCardListReaders.restype = ctypes.c_long
        self.lib.SCardGetStatusChange.restype = ctypes.c_long
        self.lib.SCardReleaseContext.restype = ctypes.c_long

    def readers(self):
        """[(name, card present)], or None when pcscd does not answer."""
        ctx = ctypes.c_long(0)
        rv = self.lib.SCardEstablishContext(ctypes.c_ulong(SCARD_SCOPE_SYSTEM), None, None,
                                            ctypes.byref(ctx)) & 0xFFFFFFFF
        if rv != SCARD_S_SUCCESS:
            return None
        try:
            size = ctypes.c_ulong(0)
            rv = self.lib.SCardListReaders(ctx, None, None, ctypes.byref(size)) & 0xFFFFFFFF
            if rv == SCARD_E_NO_READERS_AVAILABLE:
                return []
            if rv != SCARD_S_SUCCESS:
                return None
            buf = ctypes.create_string_buffer(size.value)
            rv = self.lib.SCardListReaders(ctx, None, buf, ctypes.byref(size)) & 0xFFFFFFFF
            if rv != SCARD_S_SUCCESS:
                return None
            names = [n for n in buf.raw[:size.value].split(b"\0") if n]
            states = (ReaderState * len(names))()
            for i, n in enumerate(names):
                states[i].szReader = n
                states[i].dwCurrentState = SCARD_STATE_UNAWARE
            rv = self.lib.SCardGetStatusChange(ctx, ctypes.c_ulong(0), states,
                                               ctypes.c_ulong(len(names))) & 0xFFFFFFFF
            if rv not in (SCARD_S_SUCCESS, SCARD_E_TIMEOUT):
                return None
            return [(n.decode(), bool(states[i].dwEventState & SCARD_STATE_PRESENT))
                    for i, n in enumerate(names)]
        finally:
            self.lib.SCardReleaseContext(ctx)


def run_root(args):
    return os.path.abspath(args.run or os.environ.get("DSKE_VCARD_RUN", "/tmp/dske-virtual-card"))


def reader_dir(root, index):
    return os.path.join(root, "reader-%d" % index)


def read_pid(path, expect):
    """The pid in a pid file if that process is alive and is what we think it is."""
    try:
        with open(path) as f:
            pid = int(f.read().strip())
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
    except (OSError, ValueError):
        return None
    return pid if expect in cmdline else None


def pcscd_running():
    pid = read_pid("/run/pcscd/pcscd.pid", "pcscd")
    return pid is not None and os.path.exists(PCSCD_SOCKET)


def spawn(argv, logfile):
    """A detached process (own session, no inherited pipes) so a caller's pipes can close."""
    with open(logfile, "ab") as out, open(os.devnull, "rb") as devnull:
        proc = subprocess.Popen(argv, stdin=devnull, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, close_fds=True, preexec_fn=unblock_signals)
    return proc.pid


def unblock_signals():
    """A caller's blocked signals (test runners block some in their threads) are inherited
    across fork and exec; pcscd and the card must see SIGTERM and SIGUSR1."""
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def stop(pid, what, timeout=5.0):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return
        time.sleep(0.05)
    sys.stderr.write("%s (pid %d) ignored SIGTERM: killing it\n" % (what, pid))
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def alive(pid):
    """True while the process exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def reap():
    """Collect exited children (only matters when up and down share one Python process)."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


def wait_for(predicate, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def start_pcscd(root, args, pcsc, attempts=5):
    """Starts pcscd. The vpcd driver inside it listens on 35963/35964; right after another pcscd
    stopped, that bind can fail with EADDRINUSE and pcscd then lists no reader. Only that case is
    retried, after a pause; any other failure is left for the caller to report."""
    log = os.path.join(root, "pcscd.log")
    for attempt in range(attempts):
        start = os.path.getsize(log) if os.path.exists(log) else 0
        pid = spawn(["pcscd", "--foreground"] + (["--apdu"] if args.apdu_log else []), log)
        with open(os.path.join(root, "pcscd.pid"), "w") as f:
            f.write("%d\n" % pid)
        if wait_for(lambda: pcsc.readers(), 10) or attempt == attempts - 1:
            return pid
        with open(log, errors="replace") as f:
            f.seek(start)
            if "Address already in use" not in f.read():
                return pid
        stop(pid, "pcscd")
        reap()
        time.sleep(2)
    return pid


def cmd_up(args):
    root = run_root(args)
    rdir = reader_dir(root, args.reader)
    os.makedirs(rdir, exist_ok=True)
    os.chmod(root, 0o700)
    card_pid_file = os.path.join(rdir, "card.pid")
    if read_pid(card_pid_file, "vcard.py"):
        sys.stderr.write("a virtual card is already up in reader %d: run devices/virtual-card/down "
                         "first\n" % args.reader)
        return 1
    pcsc = PCSC()
    started_pcscd = None
    if not pcscd_running():
        if not os.path.exists("/etc/reader.conf.d/vpcd"):
            sys.stderr.write("vpcd reader driver missing: apt-get install pcscd vsmartcard-vpcd\n")
            return 1
        started_pcscd = start_pcscd(root, args, pcsc)
    readers = wait_for(lambda: pcsc.readers(), 10)
    if not readers:
        sys.stderr.write("pcscd does not answer or lists no reader (see %s)\n"
                         % os.path.join(root, "pcscd.log"))
        return fail_up(root, None, started_pcscd)
    expected = "Virtual PCD 00 %02d" % args.reader
    if expected not in [name for name, _ in readers]:
        sys.stderr.write("pcscd has no reader %r (readers: %s): is vsmartcard-vpcd installed?\n"
                         % (expected, ", ".join(n for n, _ in readers)))
        return fail_up(root, None, started_pcscd)
    state = os.path.abspath(args.state or os.path.join(rdir, "card.json"))
    argv = [sys.executable, os.path.join(HERE, "vcard.py"), "--state", state,
            "--port", str(BASE_PORT + args.reader), "--run-dir", rdir]
    if args.capacity is not None:
        argv += ["--capacity", str(args.capacity)]
    if args.no_extended:
        argv.append("--no-extended")
    if args.verbose:
        argv.append("--verbose")
    card_pid = spawn(argv, os.path.join(rdir, "card.log"))
    with open(card_pid_file, "w") as f:
        f.write("%d\n" % card_pid)
    present = wait_for(lambda: (pcsc.readers() or []).count((expected, True)) == 1
                       or not alive(card_pid), 15)
    if not alive(card_pid) or not present:
        sys.stderr.write("the virtual card did not appear in %r (see %s)\n"
                         % (expected, os.path.join(rdir, "card.log")))
        return fail_up(root, card_pid, started_pcscd)
    with open(os.path.join(rdir, "reader"), "w") as f:
        f.write(expected + "\n")
    print(expected)
    return 0


def fail_up(root, card_pid, pcscd_pid):
    if card_pid:
        stop(card_pid, "virtual card")
    if pcscd_pid:
        stop(pcscd_pid, "pcscd")
        remove(os.path.join(root, "pcscd.pid"))
    return 1


def remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def cmd_down(args):
    root = run_root(args)
    indexes = [args.reader] if args.reader is not None else [0, 1]
    for index in indexes:
        rdir = reader_dir(root, index)
        pid_file = os.path.join(rdir, "card.pid")
        pid = read_pid(pid_file, "vcard.py")
        if pid:
            stop(pid, "virtual card")
        remove(pid_file)
        remove(os.path.join(rdir, "control"))
        remove(os.path.join(rdir, "reader"))
    still_up = [i for i in (0, 1)
                if read_pid(os.path.join(reader_dir(root, i), "card.pid"), "vcard.py")]
    pcscd_file = os.path.join(root, "pcscd.pid")
    pid = read_pid(pcscd_file, "pcscd")
    if pid and not still_up:
        stop(pid, "pcscd")
        wait_for(lambda: not os.path.exists(PCSCD_SOCKET), 5)
    if not still_up:
        remove(pcscd_file)
    reap()
    return 0


def control(args, line):
    rdir = reader_dir(run_root(args), args.reader)
    pid = read_pid(os.path.join(rdir, "card.pid"), "vcard.py")
    if not pid:
        sys.stderr.write("no virtual card is up in reader %d\n" % args.reader)
        return 1
    path = os.path.join(rdir, "control")
    with open(path + ".tmp", "w") as f:
        f.write(line + "\n")
    os.replace(path + ".tmp", path)
    os.kill(pid, signal.SIGUSR1)
    if not wait_for(lambda: not os.path.exists(path), 5, 0.01):
        sys.stderr.write("the virtual card did not take the command\n")
        return 1
    return 0


def cmd_pull(args):
    if args.after_updates is None:
        rc = control(args, "pull")
        if rc == 0 and args.wait:
            expected = "Virtual PCD 00 %02d" % args.reader
            pcsc = PCSC()
            wait_for(lambda: (expected, False) in (pcsc.readers() or []), 10)
        return rc
    return control(args, "pull-after-updates %d%s" % (args.after_updates,
                                                      " tear" if args.tear else ""))


def cmd_insert(args):
    rc = control(args, "insert")
    if rc == 0 and args.wait:
        expected = "Virtual PCD 00 %02d" % args.reader
        pcsc = PCSC()
        if not wait_for(lambda: (expected, True) in (pcsc.readers() or []), 15):
            sys.stderr.write("the card did not reappear in %r\n" % expected)
            return 1
    return rc


def cmd_status(args):
    readers = PCSC().readers()
    if readers is None:
        print("pcscd is not running")
        return 1
    for name, present in readers:
        print("%s: %s" % (name, "card present" if present else "empty"))
    return 0


def main():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--run", default=None, help="run directory (default $DSKE_VCARD_RUN "
                        "or /tmp/dske-virtual-card)")
    parser = argparse.ArgumentParser(prog="virtual-card")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", parents=[common],
                        help="start pcscd (if needed) and the card; print the reader name")
    up.add_argument("--state", help="state file (default <run>/reader-N/card.json)")
    up.add_argument("--capacity", type=int, help="bytes of file data (default 65536, new card)")
    up.add_argument("--reader", type=int, choices=(0, 1), default=0)
    up.add_argument("--no-extended", action="store_true", help="short APDUs only")
    up.add_argument("--verbose", action="store_true", help="card logs each APDU header and SW")
    up.add_argument("--apdu-log", action="store_true", help="pcscd logs APDUs (with data!)")
    down = sub.add_parser("down", parents=[common],
                          help="stop the card(s) and the pcscd that up started")
    down.add_argument("--reader", type=int, choices=(0, 1), default=None)
    pull = sub.add_parser("pull", parents=[common], help="take the card out of the reader")
    pull.add_argument("--reader", type=int, choices=(0, 1), default=0)
    pull.add_argument("--after-updates", type=int, default=None, metavar="N",
                      help="let N UPDATE BINARY commands through, pull during the next")
    pull.add_argument("--tear", action="store_true", help="with --after-updates: half of the "
                      "interrupted update reaches the card's memory")
    pull.add_argument("--wait", action="store_true", help="wait until pcscd sees the card gone")
    insert = sub.add_parser("insert", parents=[common], help="put the card back into the reader")
    insert.add_argument("--reader", type=int, choices=(0, 1), default=0)
    insert.add_argument("--wait", action="store_true", help="wait until pcscd sees the card")
    sub.add_parser("status", parents=[common],
                   help="readers and card presence as pcscd reports them")
    args = parser.parse_args()
    handler = {"up": cmd_up, "down": cmd_down, "pull": cmd_pull, "insert": cmd_insert,
               "status": cmd_status}[args.command]
    sys.exit(handler(args))


if __name__ == "__main__":
    main()

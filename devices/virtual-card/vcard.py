#!/usr/bin/env python3
"""The virtual card process: connects to Debian's vpcd reader driver (inside pcscd) over TCP
and answers its frames with card.py. Started and stopped by `up` and `down`.

vpcd framing: 2-byte big-endian length, then payload. A 1-byte payload is a control message
(0 power off, 1 power on, 2 reset, 4 ATR request: answered with the ATR); a longer payload is a
command APDU, answered with the response APDU in the same framing.

Control while running (used by `pull` and `insert`): write one line to <run-dir>/control, then
send SIGUSR1. The card reads and deletes the file (that is the acknowledgement):
  pull                          drop off the reader now (close the link) until `insert`
  pull-after-updates N [tear]   let N more UPDATE BINARY commands through, then drop off during
                                the next one (with `tear`, half of its data reaches memory first)
  insert                        come back into the reader
The log names commands and status words, never data, PINs or keys.
"""

import argparse
import os
import select
import signal
import socket
import sys
import time

sys.dont_write_bytecode = True   # keep the source tree clean of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import card as cardlib  # noqa: E402

TCP_QUICKACK = getattr(socket, "TCP_QUICKACK", 12)
CONTROL_NAMES = {0: "power off", 1: "power on", 2: "reset", 4: "ATR request"}


def log(message):
    sys.stdout.write("%s %s\n" % (time.strftime("%H:%M:%S"), message))
    sys.stdout.flush()


def recv_exact(sock, n):
    chunks = []
    while n:
        # vpcd writes the 2-byte length and the payload separately; with Nagle on its side and
        # delayed ACKs on ours, every frame would wait ~40 ms. ACK at once instead (Linux
        # clears TCP_QUICKACK after use, hence before every read).
        sock.setsockopt(socket.IPPROTO_TCP, TCP_QUICKACK, 1)
        chunk = sock.recv(n)
        if not chunk:
            raise ConnectionError("link closed by the reader")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


class VirtualCard:
    def __init__(self, args):
        self.args = args
        self.state = cardlib.CardState(args.state, args.capacity, args.serial)
        self.card = cardlib.Card(self.state, extended=not args.no_extended)
        self.control_path = os.path.join(args.run_dir, "control") if args.run_dir else None
        self.inserted = True
        self.stopping = False
        self.sock = None
        self.wake_r, wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        self.signals = []
        for sig in (signal.SIGUSR1, signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda s, _f: self.signals.append(s))
        # Started by hand from a process that blocks them, the card would never see them.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGUSR1, signal.SIGTERM, signal.SIGINT])

    # --- control --------------------------------------------------------------------------

    def handle_signals(self):
        try:
            while os.read(self.wake_r, 64):
                pass
        except BlockingIOError:
            pass
        pending, self.signals = self.signals, []
        for sig in pending:
            if sig in (signal.SIGTERM, signal.SIGINT):
                self.stopping = True
            elif sig == signal.SIGUSR1:
                self.read_control()

    def read_control(self):
        if not self.control_path or not os.path.exists(self.control_path):
            return
        with open(self.control_path) as f:
            words = f.read().split()
        os.unlink(self.control_path)
        if words == ["pull"]:
            log("control: pulled from the reader")
            self.inserted = False
            self.drop_link()
        elif words == ["insert"]:
            log("control: inserted into the reader")
            self.inserted = True
        elif len(words) in (2, 3) and words[0] == "pull-after-updates" and words[1].isdigit():
            tear = len(words) == 3 and words[2] == "tear"
            self.card.arm_pull(int(words[1]), tear)
            log("control: will be pulled during update %d%s"
                % (int(words[1]) + 1, " (torn)" if tear else ""))
        else:
            log("control: unknown command %r" % " ".join(words))

    # --- link -----------------------------------------------------------------------------

    def drop_link(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        self.card.power_reset()

    def wait(self, readable, timeout):
        try:
            ready, _, _ = select.select(readable + [self.wake_r], [], [], timeout)
        except InterruptedError:
            ready = []
        self.handle_signals()
        return ready

    def connect(self):
        while not self.stopping:
            if not self.inserted:
                self.wait([], 1.0)
                continue
            try:
                self.sock = socket.create_connection(("127.0.0.1", self.args.port), timeout=2)
                self.sock.settimeout(None)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                log("connected to the reader on port %d" % self.args.port)
                return
            except OSError:
                self.wait([], 0.2)

    def serve(self):
        log("virtual card %s, capacity %d bytes, %s length, state %s" % (
            self.state.data["serial"], self.state.data["capacity"],
            "extended" if self.card.extended else "short", self.args.state))
        while not self.stopping:
            if self.sock is None:
                self.connect()
                continue
            ready = self.wait([self.sock], None)
            if self.sock is None or self.sock not in ready:
                continue
            try:
                self.answer_one()
            except (ConnectionError, OSError) as error:
                log("link lost (%s): waiting for the reader" % error)
                self.drop_link()
                self.wait([], 0.2)
            except cardlib.CardPulled:
                log("pulled from the reader in the middle of an update")
                self.inserted = False
                self.drop_link()
        self.drop_link()
        log("stopped")

    def answer_one(self):
        length = int.from_bytes(recv_exact(self.sock, 2), "big")
        payload = recv_exact(self.sock, length) if length else b""
        if length == 1:
            code = payload[0]
            if code in (0, 1, 2):
                self.card.power_reset()
                if code != 4 and self.args.verbose:
                    log("control: %s" % CONTROL_NAMES[code])
            elif code == 4:
                self.send(self.card.atr)
            else:
                log("control: unknown code %d" % code)
            return
        if length == 0:
            return
        response = self.card.process(payload)
        if self.args.verbose:
            log("apdu %02X %02X %02X %02X (%d bytes) -> %d bytes, SW %s" % (
                payload[0], payload[1], payload[2], payload[3], len(payload),
                len(response), response[-2:].hex().upper()))
        self.send(response)

    def send(self, payload):
        self.sock.sendall(len(payload).to_bytes(2, "big") + payload)


def main():
    parser = argparse.ArgumentParser(description="DSKE virtual smart card (vpcd protocol)")
    parser.add_argument("--state", required=True, help="the card's state file (created if absent)")
    parser.add_argument("--capacity", type=int, default=None,
                        help="bytes of file data the card holds (default 65536 for a new card)")
    parser.add_argument("--port", type=int, default=35963, help="vpcd port (35963 = reader 0)")
    parser.add_argument("--run-dir", default=None, help="directory holding the control file")
    parser.add_argument("--serial", default=None, help="serial of a new card (hex)")
    parser.add_argument("--no-extended", action="store_true",
                        help="refuse extended-length APDUs (6700), like many real cards")
    parser.add_argument("--verbose", action="store_true", help="log every APDU header and SW")
    args = parser.parse_args()
    if args.capacity is not None and not 256 <= args.capacity <= 16 * 1024 * 1024:
        parser.error("--capacity must be between 256 bytes and 16 MiB")
    VirtualCard(args).serve()


if __name__ == "__main__":
    main()

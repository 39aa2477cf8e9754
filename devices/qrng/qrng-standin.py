#!/usr/bin/env python3
"""A stand-in for a QRNG device node: feeds a FIFO (created if missing) with bytes of a chosen
quality, so the courier's health tests, stall timeout and end-of-stream handling can be tested
without hardware.

usage: qrng-standin.py MODE FIFO [--bytes N]

modes:
  good     random bytes from os.urandom, until the reader goes away: passes every test
  stuck    one constant byte (0x55) forever: fails the repetition count test
  biased   every second byte is 0xAA and the others never are: half of all bytes carry one
           value, yet no value ever repeats, so only the adaptive proportion test catches it
  stalled  N random bytes (default 100), then silence with the FIFO held open: a reader must
           time out
  ending   N random bytes (default 100), then close: a reader sees end of file
"""
import argparse
import os
import signal
import stat
import sys
import time

CHUNK = 64 * 1024


def biased_chunk(size):
    # Even positions 0xAA, odd positions uniform over the other 255 values.
    out = bytearray(size)
    noise = os.urandom(size)
    for i in range(size):
        if i % 2 == 0:
            out[i] = 0xAA
        else:
            value = noise[i] % 255
            out[i] = value if value < 0xAA else value + 1
    return bytes(out)


def main():
    parser = argparse.ArgumentParser(description="QRNG stand-in feeding a FIFO")
    parser.add_argument("mode", choices=["good", "stuck", "biased", "stalled", "ending"])
    parser.add_argument("fifo")
    parser.add_argument("--bytes", type=int, default=100, help="bytes before stalling or ending")
    args = parser.parse_args()

    if os.path.exists(args.fifo):
        if not stat.S_ISFIFO(os.stat(args.fifo).st_mode):
            sys.exit(f"{args.fifo} exists and is not a FIFO")
    else:
        os.mkfifo(args.fifo, 0o600)

    # SIGTERM from a test's cleanup ends the stand-in quietly. A child of a test runner may
    # inherit a signal mask that blocks it: unblock it, and SIGPIPE's EPIPE ends the feed anyway.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    # Blocks until a reader opens the FIFO, as a device's reader would find data waiting.
    with open(args.fifo, "wb", buffering=0) as fifo:
        try:
            if args.mode == "good":
                while True:
                    fifo.write(os.urandom(CHUNK))
            elif args.mode == "stuck":
                block = b"\x55" * CHUNK
                while True:
                    fifo.write(block)
            elif args.mode == "biased":
                block = biased_chunk(CHUNK)
                while True:
                    fifo.write(block)
            elif args.mode == "stalled":
                fifo.write(os.urandom(args.bytes))
                while True:
                    time.sleep(3600)
            elif args.mode == "ending":
                fifo.write(os.urandom(args.bytes))
        except BrokenPipeError:
            pass  # the reader closed: the normal end for good, stuck and biased


if __name__ == "__main__":
    main()

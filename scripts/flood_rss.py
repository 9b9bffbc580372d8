#!/usr/bin/env python3
"""The memory of a server under floods, round after round (issue 18).

Each round opens CLIENTS connections at once and, depending on --attack:

  line       sends a LINE_MB MB line with no newline on each, as fast as the
             server takes it; a connection the server closes (the line is
             over its limit) is opened again and starts a new line, so
             CLIENTS attackers press all through the round;
  half-hello sends the first half of a TLS ClientHello on each and stalls.

At the end of each round (ROUND seconds) every connection is closed, and one
second later the server's resident memory (VmRSS of it and its children,
from /proc) is printed. The script starts nothing: give it the pid of the
server (and its address); scripts/flood_rss.sh starts the servers pinned to
core 0, runs this pinned to core 1, and stops them.

    scripts/flood_rss.py --pid PID --addr 127.0.0.1:8084 [--attack line]
        [--rounds 8] [--round 10] [--clients 1000] [--line-mb 10]

Prints one line per round: `round N rss_kib K` and a summary line with the
largest round-over-round growth. Exits 0; bounded by rounds x (round + 1) s.
"""
import argparse
import errno
import os
import resource
import selectors
import socket
import time

CHUNK = b"a" * (64 * 1024)


def rss_kib(pid):
    """VmRSS of pid and all its descendants, in KiB."""
    total = 0
    for p in [pid] + descendants(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def descendants(pid):
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid:
            found.append(int(entry))
            found.extend(descendants(int(entry)))
    return found


def half_client_hello():
    """The first half of a plausible TLS 1.2/1.3 ClientHello record."""
    body = bytearray(b"\x03\x03" + os.urandom(32) + b"\x00" + b"\x00\x04\x13\x01\x13\x02" + b"\x01\x00")
    ext = b"\x00\x00" * 100
    body += len(ext).to_bytes(2, "big") + ext
    hs = b"\x01" + len(body).to_bytes(3, "big") + bytes(body)
    record = b"\x16\x03\x01" + len(hs).to_bytes(2, "big") + hs
    return record[: len(record) // 2]


def connect(sel, addr):
    """A non-blocking connection registered for writing, or None."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    if s.connect_ex(addr) not in (0, errno.EINPROGRESS):
        s.close()
        return None
    sel.register(s, selectors.EVENT_WRITE, 0)
    return s


def one_round(addr, clients, seconds, attack, line_bytes):
    """Returns (bytes sent, connections opened, connections the server closed)."""
    sel = selectors.DefaultSelector()
    payload = half_client_hello() if attack == "half-hello" else None
    held = [s for s in (connect(sel, addr) for _ in range(clients)) if s is not None]
    opened, closed_by_server, total = len(held), 0, 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for key, _ in sel.select(timeout=max(0.0, min(0.5, end - time.monotonic()))):
            s, sent = key.fileobj, key.data
            try:
                if payload is not None:
                    total += s.send(payload)
                    sel.unregister(s)
                    continue
                n = s.send(CHUNK[: min(len(CHUNK), line_bytes - sent)])
                total += n
                sel.modify(s, selectors.EVENT_WRITE, sent + n)
                if sent + n >= line_bytes:
                    sel.unregister(s)
            except BlockingIOError:
                pass
            except OSError:
                closed_by_server += 1
                sel.unregister(s)
                s.close()
                again = connect(sel, addr)
                if again is not None:
                    held.append(again)
                    opened += 1
    for s in held:
        s.close()
    sel.close()
    return total, opened, closed_by_server


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--addr", required=True)
    ap.add_argument("--attack", choices=["line", "half-hello"], default="line")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--round", type=float, default=10.0)
    ap.add_argument("--clients", type=int, default=1000)
    ap.add_argument("--line-mb", type=float, default=10.0)
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    host, port = args.addr.rsplit(":", 1)
    addr = (host, int(port))
    print(f"start rss_kib {rss_kib(args.pid)}", flush=True)
    figures = []
    for n in range(1, args.rounds + 1):
        sent, opened, closed = one_round(addr, args.clients, args.round, args.attack, int(args.line_mb * 1e6))
        time.sleep(1)
        figures.append(rss_kib(args.pid))
        print(f"round {n} rss_kib {figures[-1]} sent_mb {sent / 1e6:.0f} opened {opened} "
              f"closed_by_server {closed}", flush=True)
    growth = max((b / a - 1) * 100 for a, b in zip(figures, figures[1:])) if len(figures) > 1 else 0
    print(f"summary max_rss_mib {max(figures) / 1024:.1f} last_rss_mib {figures[-1] / 1024:.1f} "
          f"max_round_growth_pct {growth:.1f}", flush=True)


if __name__ == "__main__":
    main()

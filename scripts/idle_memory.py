#!/usr/bin/env python3
"""Server memory per idle connection: RSS grown per connection that has
made one exchange and then waits, idle.

    scripts/idle_memory.py PID HOST:PORT REQUEST ANSWER_BYTES [N]

PID is the server's process; each of N connections (default 5000) sends
REQUEST (Python bytes escapes allowed, such as 'version\\r\\n'), reads
ANSWER_BYTES bytes, and stays open. Prints KiB per connection. Raise
`ulimit -n` and the server's max_connections above N first.
"""
import socket
import sys


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise SystemExit(f"no VmRSS for process {pid}")


def main():
    pid, addr, request, answer = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    count = int(sys.argv[5]) if len(sys.argv) > 5 else 5000
    host, port = addr.rsplit(":", 1)
    request = request.encode().decode("unicode_escape").encode("latin-1")
    warm = [exchange(host, int(port), request, answer) for _ in range(100)]
    before = rss_kib(pid)
    held = [exchange(host, int(port), request, answer) for _ in range(count)]
    after = rss_kib(pid)
    print(f"{(after - before) / count:.2f} KiB per idle connection ({count} connections, RSS {before} -> {after} KiB)")
    del warm, held


def exchange(host, port, request, answer):
    conn = socket.create_connection((host, port), timeout=10)
    conn.sendall(request)
    got = 0
    while got < answer:
        chunk = conn.recv(answer - got)
        if not chunk:
            raise SystemExit("the server closed a connection")
        got += len(chunk)
    return conn


if __name__ == "__main__":
    main()

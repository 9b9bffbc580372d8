"""A real memcached client (pymemcache) against examples/memcached.rs.

Usage: python3 pymemcache_session.py HOST PORT. Exits non-zero, saying
what differed, if an answer is not memcached's.
"""
import sys

from pymemcache.client.base import Client

host, port = sys.argv[1], int(sys.argv[2])
client = Client((host, port), connect_timeout=10, timeout=10)

assert client.version().startswith(b"1.6"), client.version()
assert client.set("plain", b"value") is True
assert client.get("plain") == b"value"
crlf = b"line one\r\nline two\r\n\r\nEND\r\n"
assert client.set("crlf", crlf) is True
assert client.get_many(["plain", "missing", "crlf"]) == {"plain": b"value", "crlf": crlf}

value, cas = client.gets("plain")
assert value == b"value", value
assert client.cas("plain", b"new", cas) is True
assert client.cas("plain", b"stale", cas) is False
assert client.get("plain") == b"new"

assert client.add("plain", b"x", noreply=False) is False
assert client.add("fresh", b"x", noreply=False) is True
assert client.replace("nothing", b"x", noreply=False) is False
assert client.replace("fresh", b"y", noreply=False) is True
assert client.get("fresh") == b"y"

assert client.set("count", b"10") is True
assert client.incr("count", 5) == 15
assert client.decr("count", 100) == 0
assert client.incr("missing", 1) is None
assert client.delete("count", noreply=False) is True
assert client.delete("count", noreply=False) is False

client.set("quiet", b"q", noreply=True)
assert client.get("quiet") == b"q"
assert client.flush_all(noreply=False) is True
assert client.get("plain") is None

big = bytes(range(256)) * 1000
assert client.set("big", big) is True
assert client.get("big") == big
print("pymemcache: every answer as memcached's")

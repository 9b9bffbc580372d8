// cargo run --release --example memcached -- --bind 127.0.0.1:11211 [--max-connections 1024]
//
// memcached's text protocol on a codec of our own: `get`/`gets` of several
// keys, `set`/`add`/`replace`/`cas`, `delete`, `incr`/`decr`,
// `flush_all`, `version`, `quit`, `noreply`, values holding any bytes
// (`\r\n` included). The codec (`MemcacheCodec`) turns bytes into typed
// `Command`s that borrow from the connection's buffer; the handler answers
// them. The engine does the rest: connections wait in the poller, a
// value over `max_message_size` is refused and skipped as it arrives,
// never buffered, and a client holding half a command is closed after
// `read_timeout`. Bad input gets memcached's own answers (`ERROR`,
// `CLIENT_ERROR ...`, `SERVER_ERROR ...`). Try it with `nc 127.0.0.1 11211`.
//
// It prints the address it bound, then serves until killed.

use socketserver::codec::{Codec, Decoded, Input};
use socketserver::{Action, FrameError, MessageHandler, Messages, Reply, Server, Tcp};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The longest command line accepted, as memcached's.
const MAX_LINE: usize = 2048;

/// What a storage command does with an existing item.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Set,
    Add,
    Replace,
    Cas(u64),
}

/// One decoded command; keys and values borrow from the input.
#[derive(Debug)]
enum Command<'a> {
    /// `keys` is the rest of the line: the keys, separated by spaces.
    Get {
        keys: &'a [u8],
        cas: bool,
    },
    Store {
        mode: Mode,
        key: &'a [u8],
        flags: u32,
        exptime: i64,
        value: &'a [u8],
        noreply: bool,
    },
    Delete {
        key: &'a [u8],
        noreply: bool,
    },
    Arith {
        incr: bool,
        key: &'a [u8],
        delta: u64,
        noreply: bool,
    },
    FlushAll {
        noreply: bool,
    },
    Version,
    Quit,
    /// The answer is an error: `ERROR`, `CLIENT_ERROR ...`, `SERVER_ERROR ...`.
    Error(&'static str),
}

/// memcached's text framing: a command line, and for storage commands a
/// data block of the announced length plus `\r\n`.
#[derive(Clone, Debug, Default)]
struct MemcacheCodec {
    /// Bytes of a refused value still to drop as they arrive.
    skip: usize,
}

impl Codec for MemcacheCodec {
    type Message<'a> = Command<'a>;

    fn decode<'a>(&mut self, input: Input<'a>) -> Result<Decoded<Command<'a>>, FrameError> {
        let bytes = input.bytes();
        if self.skip > 0 {
            let dropped = self.skip.min(bytes.len());
            self.skip -= dropped;
            return Ok(if dropped == 0 { Decoded::NeedMore } else { Decoded::Skip(dropped) });
        }
        let Some(newline) = bytes.iter().take(MAX_LINE).position(|&b| b == b'\n') else {
            return match bytes.len() >= MAX_LINE {
                true => Err(FrameError::invalid("line too long")),
                false => Ok(Decoded::NeedMore),
            };
        };
        let line = bytes[..newline].strip_suffix(b"\r").unwrap_or(&bytes[..newline]);
        let words = Words::of(line);
        let after_line = newline + 1;
        match words.first().copied() {
            Some(b"set" | b"add" | b"replace" | b"cas") => {
                self.storage(&words, &bytes[after_line..], after_line, input)
            }
            _ => Ok(Decoded::Message { message: simple(&words, line), consumed: after_line }),
        }
    }

    fn buffer_limit(&self, max_message_size: usize) -> usize {
        max_message_size + MAX_LINE + 2
    }

    fn in_message(&self) -> bool {
        self.skip > 0
    }
}

impl MemcacheCodec {
    /// A storage command: its data block is `len` bytes and `\r\n` after
    /// the line; one over the limit is refused and skipped, not buffered.
    fn storage<'a>(
        &mut self,
        words: &[&'a [u8]],
        block: &'a [u8],
        line: usize,
        input: Input<'a>,
    ) -> Result<Decoded<Command<'a>>, FrameError> {
        let Some((mode, key, flags, exptime, len, noreply)) = parse_storage(words) else {
            let message = Command::Error("CLIENT_ERROR bad command line format");
            return Ok(Decoded::Message { message, consumed: line });
        };
        if len > input.limit() {
            self.skip = len + 2;
            let message = Command::Error("SERVER_ERROR object too large for cache");
            return Ok(Decoded::Message { message, consumed: line });
        }
        let Some(data) = block.get(..len + 2) else { return Ok(Decoded::NeedMore) };
        let message = match data.ends_with(b"\r\n") {
            true => Command::Store { mode, key, flags, exptime, value: &data[..len], noreply },
            false => Command::Error("CLIENT_ERROR bad data chunk"),
        };
        Ok(Decoded::Message { message, consumed: line + len + 2 })
    }
}

type Storage<'a> = (Mode, &'a [u8], u32, i64, usize, bool);

/// `set <key> <flags> <exptime> <bytes> [noreply]` (and `cas ... <unique>`).
fn parse_storage<'a>(words: &[&'a [u8]]) -> Option<Storage<'a>> {
    let cas = words[0] == b"cas";
    let count = if cas { 6 } else { 5 };
    let noreply = words.len() == count + 1 && words[count] == b"noreply";
    if words.len() != count && !noreply {
        return None;
    }
    let mode = match words[0] {
        b"set" => Mode::Set,
        b"add" => Mode::Add,
        b"replace" => Mode::Replace,
        _ => Mode::Cas(number(words[5])?),
    };
    let key = valid_key(words[1])?;
    Some((mode, key, number(words[2])?, number(words[3])?, number(words[4])?, noreply))
}

/// The first words of a command line, without allocating: no command
/// but `get` has more than 7 (and `get` takes its keys from the line).
struct Words<'a> {
    first: [&'a [u8]; 8],
    count: usize,
}

impl<'a> Words<'a> {
    fn of(line: &'a [u8]) -> Words<'a> {
        let mut words = Words { first: [b""; 8], count: 0 };
        for word in split(line) {
            if let Some(slot) = words.first.get_mut(words.count) {
                *slot = word;
            }
            words.count += 1;
        }
        words
    }
}

impl<'a> std::ops::Deref for Words<'a> {
    type Target = [&'a [u8]];

    fn deref(&self) -> &[&'a [u8]] {
        &self.first[..self.count.min(8)]
    }
}

/// The words of `line`, separated by spaces.
fn split(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    line.split(|&b| b == b' ').filter(|word| !word.is_empty())
}

/// The commands of one line.
fn simple<'a>(words: &[&'a [u8]], line: &'a [u8]) -> Command<'a> {
    let bad = Command::Error("CLIENT_ERROR bad command line format");
    let noreply = words.last() == Some(&&b"noreply"[..]);
    match (words.first().copied().unwrap_or(b""), words.len() - usize::from(noreply)) {
        (b"get" | b"gets", n) if n > 1 => {
            let keys = &line[line.iter().position(|&b| b == b' ').unwrap_or(line.len())..];
            match split(keys).all(|key| valid_key(key).is_some()) {
                true => Command::Get { keys, cas: words[0] == b"gets" },
                false => bad,
            }
        }
        (b"delete", 2) => valid_key(words[1]).map_or(bad, |key| Command::Delete { key, noreply }),
        (b"incr" | b"decr", 3) => match (valid_key(words[1]), number(words[2])) {
            (Some(key), Some(delta)) => Command::Arith { incr: words[0] == b"incr", key, delta, noreply },
            _ => Command::Error("CLIENT_ERROR invalid numeric delta argument"),
        },
        (b"flush_all", 1 | 2) => Command::FlushAll { noreply },
        (b"version", 1) => Command::Version,
        (b"quit", 1) => Command::Quit,
        (b"get" | b"gets" | b"delete" | b"incr" | b"decr" | b"flush_all", _) => bad,
        _ => Command::Error("ERROR"),
    }
}

fn valid_key(key: &[u8]) -> Option<&[u8]> {
    (key.len() <= 250 && !key.iter().any(|b| b.is_ascii_control())).then_some(key)
}

fn number<T: std::str::FromStr>(word: &[u8]) -> Option<T> {
    std::str::from_utf8(word).ok()?.parse().ok()
}

/// One stored value.
struct Item {
    flags: u32,
    value: Vec<u8>,
    cas: u64,
    expires: Option<Instant>,
}

impl Item {
    fn expired(&self) -> bool {
        self.expires.is_some_and(|at| at <= Instant::now())
    }
}

/// The cache: one map behind a lock, shared by every connection.
#[derive(Default)]
struct Memcache {
    items: Mutex<HashMap<Vec<u8>, Item>>,
    next_cas: AtomicU64,
}

impl MessageHandler<MemcacheCodec> for Memcache {
    type Session = ();

    fn handle(&self, _: &mut (), command: Command<'_>, reply: &mut Reply<'_>) -> Action {
        let (answer, noreply) = match command {
            Command::Get { keys, cas } => return self.get(keys, cas, reply),
            Command::Store { mode, key, flags, exptime, value, noreply } => {
                (self.store(mode, key, flags, exptime, value), noreply)
            }
            Command::Delete { key, noreply } => (self.delete(key), noreply),
            Command::Arith { incr, key, delta, noreply } => {
                return self.arith(incr, key, delta, noreply, reply)
            }
            Command::FlushAll { noreply } => (self.flush(), noreply),
            Command::Version => ("VERSION 1.6.0-socketserver", false),
            Command::Quit => return Action::Close,
            Command::Error(error) => (error, false),
        };
        if !noreply {
            reply.push_str(answer);
            reply.push(b"\r\n");
        }
        Action::Continue
    }

    /// A line too long: memcached's answer, then the connection closes.
    fn bad_message(&self, error: &FrameError, reply: &mut Reply<'_>) {
        reply.push_fmt(format_args!("CLIENT_ERROR {error}\r\n"));
    }
}

impl Memcache {
    fn get(&self, keys: &[u8], with_cas: bool, reply: &mut Reply<'_>) -> Action {
        let mut items = self.items.lock().unwrap();
        for key in split(keys) {
            let Some(item) = live(&mut items, key) else { continue };
            reply.push(b"VALUE ");
            reply.push(key);
            reply.push_fmt(format_args!(" {} {}", item.flags, item.value.len()));
            if with_cas {
                reply.push_fmt(format_args!(" {}", item.cas));
            }
            reply.push(b"\r\n");
            reply.push(&item.value);
            reply.push(b"\r\n");
        }
        reply.push(b"END\r\n");
        Action::Continue
    }

    fn store(&self, mode: Mode, key: &[u8], flags: u32, exptime: i64, value: &[u8]) -> &'static str {
        let mut items = self.items.lock().unwrap();
        let existing = live(&mut items, key);
        let outcome = match (mode, existing.as_ref().map(|item| item.cas)) {
            (Mode::Add, Some(_)) | (Mode::Replace, None) => "NOT_STORED",
            (Mode::Cas(_), None) => "NOT_FOUND",
            (Mode::Cas(unique), Some(cas)) if unique != cas => "EXISTS",
            _ => "STORED",
        };
        if outcome != "STORED" {
            return outcome;
        }
        let (cas, expires) = (self.next_cas.fetch_add(1, Ordering::Relaxed) + 1, expiry(exptime));
        match existing {
            // Overwritten in place: the key's allocation and the value's
            // capacity are kept.
            Some(item) => {
                item.value.clear();
                item.value.extend_from_slice(value);
                (item.flags, item.cas, item.expires) = (flags, cas, expires);
            }
            None => {
                items.insert(key.to_vec(), Item { flags, value: value.to_vec(), cas, expires });
            }
        }
        outcome
    }

    fn delete(&self, key: &[u8]) -> &'static str {
        let removed = self.items.lock().unwrap().remove(key);
        match removed.filter(|item| !item.expired()) {
            Some(_) => "DELETED",
            None => "NOT_FOUND",
        }
    }

    fn arith(&self, incr: bool, key: &[u8], delta: u64, noreply: bool, reply: &mut Reply<'_>) -> Action {
        let mut items = self.items.lock().unwrap();
        let cas = self.next_cas.fetch_add(1, Ordering::Relaxed) + 1;
        let answer = match live(&mut items, key) {
            None => "NOT_FOUND".to_string(),
            Some(item) => match number::<u64>(&item.value) {
                None => "CLIENT_ERROR cannot increment or decrement non-numeric value".to_string(),
                Some(now) => {
                    let new = if incr { now.wrapping_add(delta) } else { now.saturating_sub(delta) };
                    (item.value, item.cas) = (new.to_string().into_bytes(), cas);
                    new.to_string()
                }
            },
        };
        if !noreply {
            reply.push_fmt(format_args!("{answer}\r\n"));
        }
        Action::Continue
    }

    fn flush(&self) -> &'static str {
        self.items.lock().unwrap().clear();
        "OK"
    }
}

/// The item under `key` if it has not expired. An expired one stays
/// until it is overwritten, deleted or flushed, as in memcached's lazy
/// expiry: one hash lookup per command.
fn live<'m>(items: &'m mut HashMap<Vec<u8>, Item>, key: &[u8]) -> Option<&'m mut Item> {
    items.get_mut(key).filter(|item| !item.expired())
}

/// When an item with `exptime` expires: 0 never, negative at once, up to
/// 30 days seconds from now, past that a Unix time.
fn expiry(exptime: i64) -> Option<Instant> {
    const MONTH: i64 = 30 * 24 * 3600;
    let now = Instant::now();
    let seconds = match exptime {
        0 => return None,
        t if t < 0 => return Some(now),
        t if t <= MONTH => t,
        t => t - SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64),
    };
    Some(now + Duration::from_secs(seconds.max(0) as u64))
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mut bind, mut max_connections) = ("127.0.0.1:11211".to_string(), 1024);
    for pair in args.chunks(2) {
        match (pair[0].as_str(), pair.get(1).map(|v| (v, v.parse::<usize>()))) {
            ("--bind", Some((addr, _))) => bind = addr.clone(),
            ("--max-connections", Some((_, Ok(n)))) if n > 0 => max_connections = n,
            _ => {
                eprintln!("usage: memcached [--bind HOST:PORT] [--max-connections N]");
                std::process::exit(2);
            }
        }
    }
    let messages = Messages::with_codec(Memcache::default(), MemcacheCodec::default());
    let server = Server::builder(messages)
        .max_message_size(1024 * 1024)
        .max_connections(max_connections)
        .bind::<Tcp>(&bind)?;
    println!("listening on {}", server.local_addr());
    server.serve_forever().map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use socketserver::Conversation;

    fn cache() -> Messages<Memcache, MemcacheCodec> {
        Messages::with_codec(Memcache::default(), MemcacheCodec::default())
    }

    #[test]
    fn values_may_hold_crlf_and_arrive_in_pieces() {
        let cache = cache();
        let mut talk = Conversation::new(&cache);
        assert_eq!(talk.send(b"set k 7 0 4\r\na\r"), b"");
        assert_eq!(talk.send(b"\nb\r\n"), b"STORED\r\n");
        let mut expected = b"VALUE k 7 4\r\na\r\nb\r\n".repeat(2);
        expected.extend_from_slice(b"END\r\n");
        assert_eq!(talk.send(b""), b"");
        assert_eq!(talk.send(b"get k nope k\r\n"), expected);
    }

    #[test]
    fn noreply_and_arithmetic() {
        let cache = cache();
        let mut talk = Conversation::new(&cache);
        let answers = talk.send(b"set n 0 0 2 noreply\r\n10\r\nincr n 5\r\ndecr n 100\r\nincr x 1\r\n");
        assert_eq!(answers, b"15\r\n0\r\nNOT_FOUND\r\n");
    }

    #[test]
    fn an_expired_item_is_gone_and_can_be_added_again() {
        let cache = cache();
        let mut talk = Conversation::new(&cache);
        assert_eq!(talk.send(b"set k 0 -1 1\r\nx\r\nget k\r\n"), b"STORED\r\nEND\r\n");
        assert_eq!(talk.send(b"delete k\r\nadd k 0 0 1\r\ny\r\n"), b"NOT_FOUND\r\nSTORED\r\n");
        assert_eq!(talk.send(b"get k\r\n"), b"VALUE k 0 1\r\ny\r\nEND\r\n");
    }

    #[test]
    fn a_value_over_the_limit_is_refused_at_once_and_skipped() {
        let cache = cache();
        let mut talk = Conversation::new(&cache).max_message_size(100);
        assert_eq!(talk.send(b"set big 0 0 1000000000\r\n"), b"SERVER_ERROR object too large for cache\r\n");
        assert_eq!(talk.send(&[b'x'; 5000]), b"");
        assert_eq!(talk.send(b"x"), b"");
        assert_eq!(talk.send(b"version\r\n"), b"", "still inside the refused value");
        assert!(!talk.is_closed());
    }

    #[test]
    fn bad_input_gets_memcacheds_errors_and_the_connection_goes_on() {
        let cache = cache();
        let mut talk = Conversation::new(&cache);
        assert_eq!(talk.send(b"bogus\r\n"), b"ERROR\r\n");
        assert_eq!(talk.send(b"get\r\n"), b"CLIENT_ERROR bad command line format\r\n");
        // As memcached: the block is the announced length plus two bytes,
        // and what follows it (an empty line here) is the next command.
        assert_eq!(talk.send(b"set k 0 0 1\r\nabc\r\n"), b"CLIENT_ERROR bad data chunk\r\nERROR\r\n");
        assert_eq!(talk.send(b"version\r\n"), b"VERSION 1.6.0-socketserver\r\n");
        assert!(!talk.is_closed());
    }

    #[test]
    fn a_line_without_end_is_refused_and_closes() {
        let cache = cache();
        let mut talk = Conversation::new(&cache);
        assert_eq!(talk.send(&[b'g'; MAX_LINE]), b"CLIENT_ERROR line too long\r\n");
        assert!(talk.is_closed());
    }
}

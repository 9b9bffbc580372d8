// cargo run --example chat -- 127.0.0.1:0
//
// The classic socketserver demo: a chat room. Each connection is asked for
// a name, then every line it sends goes to everyone else in the room.
// Per-connection state (the member's name and id) lives in a
// `StatefulHandler`'s `State`, created in `setup` and handed back to
// `finish`; server-wide state (the room) lives in the handler, shared by
// every connection. Try it with two terminals running `nc 127.0.0.1 PORT`.
//
// It prints the address it bound, then serves until killed.

use socketserver::request::Stream;
use socketserver::{Connection, Server, Stateful, StatefulHandler, Tcp, ThreadPerConnection};
use std::collections::HashMap;
use std::io::{self, BufRead, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// One connection's place in the room.
struct Member {
    id: u64,
    name: String,
}

/// The room: every member's name and a handle to write to them.
#[derive(Default)]
struct Room {
    members: Mutex<HashMap<u64, (String, Stream)>>,
    next_id: AtomicU64,
}

impl Room {
    /// Sends `line` to every member but `from`; a member who cannot take
    /// it within the write timeout leaves the room.
    fn broadcast(&self, from: u64, line: &str) {
        let mut members = self.members.lock().unwrap();
        members.retain(|&id, (_, stream)| id == from || stream.write_all(line.as_bytes()).is_ok());
    }
}

impl StatefulHandler<Connection> for Room {
    type State = Member;

    fn setup(&self, conn: &mut Connection) -> io::Result<Member> {
        conn.write_all(b"name? ")?;
        let mut name = String::new();
        conn.read_line(&mut name)?;
        let name = name.trim().to_owned();
        if name.is_empty() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "no name given"));
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let others = {
            let mut members = self.members.lock().unwrap();
            let mut others: Vec<String> = members.values().map(|(n, _)| n.clone()).collect();
            others.sort();
            members.insert(id, (name.clone(), conn.stream().try_clone()?));
            others
        };
        self.broadcast(id, &format!("* {name} joined\n"));
        let me = Member { id, name };
        // `finish` does not run after a failed `setup`: leave the room here.
        if let Err(err) = writeln!(conn, "welcome {}; here: {}", me.name, others.join(", ")) {
            self.finish(conn, me)?;
            return Err(err);
        }
        Ok(me)
    }

    fn handle(&self, conn: &mut Connection, me: &mut Member) -> io::Result<()> {
        let mut line = String::new();
        while conn.read_line(&mut line)? > 0 {
            self.broadcast(me.id, &format!("{}: {}\n", me.name, line.trim_end()));
            line.clear();
        }
        Ok(())
    }

    fn finish(&self, _: &mut Connection, me: Member) -> io::Result<()> {
        self.members.lock().unwrap().remove(&me.id);
        self.broadcast(me.id, &format!("* {} left\n", me.name));
        Ok(())
    }
}

fn main() -> io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:9003".into());
    // A chat connection lives long and its handler blocks on reads: one
    // thread per connection. The write timeout bounds what a member who
    // stops reading can cost the others.
    let server = Server::builder(Stateful::new(Room::default()))
        .concurrency(ThreadPerConnection::new())
        .write_timeout(Duration::from_secs(2))
        .read_timeout(Duration::from_secs(3600))
        .bind::<Tcp>(addr.as_str())?;
    println!("listening on {}", server.local_addr());
    server.serve_forever()?;
    Ok(())
}

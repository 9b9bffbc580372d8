// cargo run --example custom_handler -- 127.0.0.1:0
//
// A tiny key-value store speaking a line protocol, written the way a
// downstream crate would: a `MessageHandler`, wrapped in `Messages`, served
// by a thread pool. Try it with `nc 127.0.0.1 PORT`:
//
//     SET colour blue      -> OK
//     GET colour           -> blue
//     DEL colour           -> OK
//     GET colour           -> (nil)
//
// It prints the address it bound, then serves until killed.

use socketserver::{Action, MessageHandler, Messages, Reply, Server, Tcp, ThreadPool};
use std::collections::HashMap;
use std::sync::Mutex;

/// The store, shared by every connection.
#[derive(Default)]
struct KeyValue {
    map: Mutex<HashMap<String, String>>,
}

impl MessageHandler for KeyValue {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        let line = String::from_utf8_lossy(message);
        let mut words = line.splitn(3, ' ');
        let mut map = self.map.lock().unwrap();
        match (words.next(), words.next(), words.next()) {
            (Some("SET"), Some(key), Some(value)) => {
                map.insert(key.to_string(), value.to_string());
                reply.push_str("OK");
            }
            (Some("GET"), Some(key), None) => reply.push_str(map.get(key).map_or("(nil)", String::as_str)),
            (Some("DEL"), Some(key), None) => {
                reply.push_str(if map.remove(key).is_some() { "OK" } else { "(nil)" })
            }
            (Some("QUIT"), None, None) => return Action::Close,
            _ => reply.push_str("ERROR: commands are SET KEY VALUE, GET KEY, DEL KEY, QUIT"),
        }
        Action::Continue
    }
}

fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:7878".to_string());
    let server = Server::builder(Messages::new(KeyValue::default()))
        .concurrency(ThreadPool::new(4))
        .bind::<Tcp>(addr.as_str())?;
    println!("listening on {}", server.local_addr());
    server.serve_forever()?;
    Ok(())
}

//! Fair by construction: a client that pipelines many requests gets no
//! more than one step's budget before a client that sent one request is
//! served, on one thread.

mod util;

use crossbeam_channel::{bounded, Receiver, Sender};
use socketserver::{Action, MessageHandler, Messages, Reply, Server, SingleThread, Tcp};
use std::io::Write;
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use util::{serve, LineClient, PATIENCE};

/// Messages the flood sends in one write.
const FLOOD: usize = 200;

/// Records the order of the messages it handles; the first `flood`
/// message waits until the test has sent the other client's request.
struct Recorder {
    order: Arc<Mutex<Vec<String>>>,
    started: Sender<()>,
    go: Receiver<()>,
}

impl MessageHandler for Recorder {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        let message = String::from_utf8_lossy(message).into_owned();
        if message == "flood 0" {
            let _ = self.started.send(());
            let _ = self.go.recv_timeout(PATIENCE);
        }
        self.order.lock().unwrap().push(message);
        reply.push(b"ok");
        Action::Continue
    }
}

#[test]
fn a_pipelining_client_yields_to_one_that_sent_a_single_request() {
    let order = Arc::new(Mutex::new(Vec::new()));
    let (started, started_rx) = bounded(1);
    let (go_tx, go) = bounded(1);
    let recorder = Recorder { order: Arc::clone(&order), started, go };
    let server =
        Server::builder(Messages::new(recorder)).concurrency(SingleThread).bind::<Tcp>("127.0.0.1:0");
    let serving = serve(server.unwrap());

    // The patient client is connected and waiting in the poller first.
    let mut patient = LineClient::tcp(serving.inet());
    assert_eq!(patient.ask("hello"), "ok");

    // The flood: every request in one write, none of the answers read.
    let mut flood = TcpStream::connect(serving.inet()).unwrap();
    let requests: String = (0..FLOOD).map(|i| format!("flood {i}\n")).collect();
    flood.write_all(requests.as_bytes()).unwrap();
    started_rx.recv_timeout(PATIENCE).expect("the flood was never handled");

    // While the flood's first request is being handled, the patient
    // client's request arrives.
    patient.send(b"patient\n");
    go_tx.send(()).unwrap();
    assert_eq!(patient.line(), "ok");

    let order = order.lock().unwrap().clone();
    let position = order.iter().position(|m| m == "patient").expect("the patient request was handled");
    // hello, then at most one step's budget (4) of the flood's requests.
    assert!(
        position <= 1 + 4,
        "the patient request waited behind {} flood requests: {order:?}",
        position - 1
    );
    drop(flood);
}

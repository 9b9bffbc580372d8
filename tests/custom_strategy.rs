//! A user's own `Concurrency`: the trait is open, and a strategy that
//! drops a job (as the `Job` docs allow) leaves nothing behind.

mod util;

use socketserver::{Concurrency, Job, Messages, Server, Tcp};
use std::time::Duration;
use util::{serve, LineClient, Upper};

/// A fresh, uncapped thread per request, as in the trait's docs.
#[derive(Debug)]
struct Spawn;

impl Concurrency for Spawn {
    fn execute(&self, job: Job) {
        std::thread::spawn(move || job.run());
    }

    fn describe(&self) -> String {
        "spawn".into()
    }
}

/// Drops every job, as a pool that cannot start a thread would.
#[derive(Debug)]
struct Dropper;

impl Concurrency for Dropper {
    fn execute(&self, job: Job) {
        drop(job);
    }

    fn describe(&self) -> String {
        "dropper".into()
    }
}

#[test]
fn a_users_strategy_serves() {
    let server = Server::builder(Messages::new(Upper)).concurrency(Spawn).bind::<Tcp>("127.0.0.1:0").unwrap();
    let serving = serve(server);
    let mut client = LineClient::tcp(serving.inet());
    assert_eq!(client.ask("mine"), "MINE");
    drop(client);
    let (_, report) = serving.shutdown();
    assert_eq!(report.cut_off, 0);
}

#[test]
fn a_dropped_job_closes_its_connection_and_is_not_in_flight() {
    let server = Server::builder(Messages::new(Upper))
        .concurrency(Dropper)
        .drain_timeout(Duration::from_secs(30))
        .bind::<Tcp>("127.0.0.1:0")
        .unwrap();
    let serving = serve(server);
    let mut client = LineClient::tcp(serving.inet());
    assert!(client.closed(), "a dropped job left its connection open");
    assert_eq!(serving.server.stats().active, 0, "a dropped job is still counted in flight");
    let (_, report) = serving.shutdown();
    assert_eq!(report.in_flight, 0);
    assert_eq!(report.cut_off, 0);
}

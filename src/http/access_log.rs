//! The access log: one line per request at `info`, as Python's
//! `http.server` and nginx write it, so operators see the traffic:
//!
//! ```text
//! 127.0.0.2:50412 "GET /index.html HTTP/1.1" 200 1532 0.412ms
//! ```
//!
//! The client address (the real one behind a PROXY protocol header), the
//! request line (`"-"` for a request refused before it was read whole),
//! the status, the bytes sent (head and body) and the time from the
//! request's first byte to its response's last. Logged under the target
//! `socketserver::http::access_log`, so a logger can route or silence it
//! alone; at a level above `info` (`--log-level warn`), or when the logger
//! says that target is not enabled, nothing is built. A response that was
//! never all written (the client left, the drain deadline passed) has no
//! line.
//!
//! A structured logger finds the same fields in the record's key-values
//! (`log`'s `kv`): `client`, `method` and `path` (`-` for a refused
//! request), `status`, `bytes` and `duration` (seconds, as a float).

use super::HttpRequest;
use crate::Address;
use std::time::Instant;

/// One request whose response is being written.
#[derive(Debug)]
pub(super) struct AccessRecord {
    /// `METHOD TARGET HTTP/1.x`, or `-`.
    line: String,
    status: u16,
    bytes: u64,
    began: Instant,
}

impl AccessRecord {
    /// A record for `request` answered with `status`, when access lines
    /// are logged at all.
    pub(super) fn answered(request: &HttpRequest, status: u16, began: Instant) -> Option<Box<AccessRecord>> {
        enabled().then(|| {
            let line = format!("{} {} {}", request.method(), request.target(), request.version());
            Box::new(AccessRecord { line, status, bytes: 0, began })
        })
    }

    /// A record for a request refused with `status` before it was whole.
    pub(super) fn refused(status: u16, began: Instant) -> Option<Box<AccessRecord>> {
        enabled().then(|| Box::new(AccessRecord { line: "-".to_string(), status, bytes: 0, began }))
    }

    /// Counts bytes of the response written to the client.
    pub(super) fn sent(&mut self, bytes: usize) {
        self.bytes += bytes as u64;
    }

    /// The response is all written: logs its line.
    pub(super) fn finish(self, peer: &Address) {
        let took = self.began.elapsed().as_secs_f64();
        let mut words = self.line.split(' ');
        let (method, path) = (words.next().unwrap_or("-"), words.next().unwrap_or("-"));
        let (status, bytes) = (self.status, self.bytes);
        log::info!(
            client:% = peer, method = method, path = path, status = status, bytes = bytes, duration = took;
            "{peer} \"{}\" {status} {bytes} {:.3}ms", self.line, took * 1000.0
        );
    }
}

fn enabled() -> bool {
    log::log_enabled!(log::Level::Info)
}

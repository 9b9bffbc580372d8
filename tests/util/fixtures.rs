//! Pieces the tests' handlers are made of: a gate that holds them until
//! the test opens it, and the plainest message handler.

use super::PATIENCE;
use parking_lot::{Condvar, Mutex};
use socketserver::{Action, MessageHandler, Reply};
use std::sync::Arc;
use std::time::Instant;

/// A gate that handlers wait at until the test opens it. The wait is
/// bounded by [`PATIENCE`], so a test that never opens it fails, not hangs.
#[derive(Default)]
pub struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    /// A closed gate.
    pub fn new() -> Arc<Gate> {
        Arc::new(Gate::default())
    }

    /// Lets every waiter through, now and later.
    pub fn open(&self) {
        *self.open.lock() = true;
        self.opened.notify_all();
    }

    /// Waits until the gate opens; `false` if it stayed shut.
    pub fn wait(&self) -> bool {
        let deadline = Instant::now() + PATIENCE;
        let mut open = self.open.lock();
        while !*open {
            if self.opened.wait_until(&mut open, deadline).timed_out() {
                return *open;
            }
        }
        true
    }
}

/// Answers each message with it in upper case: the plainest message
/// handler, shared by the tests that need one.
pub struct Upper;

impl MessageHandler for Upper {
    type Session = ();

    fn handle(&self, _: &mut (), message: &[u8], reply: &mut Reply<'_>) -> Action {
        reply.push(&message.to_ascii_uppercase());
        Action::Continue
    }
}

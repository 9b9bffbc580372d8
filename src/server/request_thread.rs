//! Which servers' requests the calling thread is running, so that
//! [`ShutdownHandle::shutdown_and_wait`](crate::ShutdownHandle::shutdown_and_wait)
//! called from one of them does not wait for the drain that waits for it.
//!
//! The code that runs requests marks its thread for as long as it runs
//! them: a job that serves one connection (`serve`, `serve_blocking`) and
//! a loop job that runs the reactor for its whole life. The serving
//! thread itself is known by its id (see `Shared::enter_serving`).

use std::cell::RefCell;
use std::marker::PhantomData;

thread_local! {
    /// The servers (by the address of their shared state) whose requests
    /// this thread runs now, innermost last: a handler of one server may
    /// run a request of another (`handle_request`).
    static RUNNING: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// The calling thread runs requests of one server until this drops.
/// Not `Send`: it unmarks the thread it marked.
#[derive(Debug)]
pub(crate) struct RunningRequests {
    server: usize,
    thread_bound: PhantomData<*const ()>,
}

impl RunningRequests {
    /// Marks the calling thread as running requests of `server` (any
    /// value that identifies it for as long as the guard lives).
    pub(crate) fn enter<S>(server: &S) -> RunningRequests {
        let server = server as *const S as usize;
        RUNNING.with(|running| running.borrow_mut().push(server));
        RunningRequests { server, thread_bound: PhantomData }
    }

    /// Whether the calling thread runs requests of `server` now.
    pub(crate) fn on_this_thread<S>(server: &S) -> bool {
        let server = server as *const S as usize;
        RUNNING.with(|running| running.borrow().contains(&server))
    }
}

impl Drop for RunningRequests {
    fn drop(&mut self) {
        RUNNING.with(|running| {
            let mut running = running.borrow_mut();
            if let Some(at) = running.iter().rposition(|&server| server == self.server) {
                running.remove(at);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_nest_and_stay_on_their_thread() {
        let (a, b) = (1u8, 2u8);
        assert!(!RunningRequests::on_this_thread(&a));
        let outer = RunningRequests::enter(&a);
        {
            let _inner = RunningRequests::enter(&b);
            let _again = RunningRequests::enter(&a);
            assert!(RunningRequests::on_this_thread(&a) && RunningRequests::on_this_thread(&b));
            let elsewhere = std::thread::scope(|s| s.spawn(|| RunningRequests::on_this_thread(&a)).join());
            assert!(!elsewhere.unwrap());
        }
        assert!(RunningRequests::on_this_thread(&a) && !RunningRequests::on_this_thread(&b));
        drop(outer);
        assert!(!RunningRequests::on_this_thread(&a));
    }
}

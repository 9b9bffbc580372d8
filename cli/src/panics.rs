//! Panics in the server's own threads, reported once.
//!
//! A handler that panics on a worker or connection thread is caught by the
//! server, which logs it at `error` with the client's address (through
//! `handle_error`). Rust's default panic hook would print it a second
//! time, as a bare message on stderr without the peer. The hook installed
//! here sends the panic's location to the log at `debug` instead, for the
//! server's threads (named `ss-...`), and leaves every other thread (the
//! main thread, the signal thread) to the default hook, so a real crash
//! still prints its message.

use std::any::Any;
use std::panic::{self, Location};
use std::thread;

/// The name prefix of the threads the server runs requests on (the
/// pool's `ss-worker-N`, `ss-conn` for a thread per connection).
const SERVER_THREAD_PREFIX: &str = "ss-";

/// Installs the hook; see the module docs.
pub fn install() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let current = thread::current();
        match current.name() {
            Some(name) if is_server_thread(name) => {
                log::debug!("{}", describe(name, info.location(), info.payload()));
            }
            _ => default(info),
        }
    }));
}

/// Whether a thread's panics are the server's to report.
fn is_server_thread(name: &str) -> bool {
    name.starts_with(SERVER_THREAD_PREFIX)
}

/// The debug line for a panic: thread, location, message.
fn describe(thread: &str, location: Option<&Location<'_>>, payload: &(dyn Any + Send)) -> String {
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a non-string payload");
    match location {
        Some(at) => {
            format!("thread {thread} panicked at {}:{}:{}: {message}", at.file(), at.line(), at.column())
        }
        None => format!("thread {thread} panicked: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    /// Debug lines logged through `log` by the hook.
    static LOGGED: Mutex<Vec<String>> = Mutex::new(Vec::new());
    /// Calls of the hook installed before ours, by thread name.
    static DEFAULT_CALLS: Mutex<Vec<String>> = Mutex::new(Vec::new());
    static PANICS: AtomicUsize = AtomicUsize::new(0);

    struct Capture;

    impl log::Log for Capture {
        fn enabled(&self, _: &log::Metadata<'_>) -> bool {
            true
        }

        fn log(&self, record: &log::Record<'_>) {
            if record.level() == log::Level::Debug {
                LOGGED.lock().unwrap().push(record.args().to_string());
            }
        }

        fn flush(&self) {}
    }

    /// Panics on a thread called `name`, inside `catch_unwind` (as the
    /// server's workers run handlers).
    fn panic_on(name: &str, message: &'static str) {
        thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                let caught = panic::catch_unwind(|| {
                    PANICS.fetch_add(1, Ordering::SeqCst);
                    panic!("{message}")
                });
                assert!(caught.is_err());
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn server_threads_are_logged_at_debug_and_others_go_to_the_default_hook() {
        log::set_boxed_logger(Box::new(Capture)).expect("no other test sets a logger");
        log::set_max_level(log::LevelFilter::Debug);
        let before = panic::take_hook();
        // Stands for Rust's default hook, recording who reached it.
        panic::set_hook(Box::new(|_| {
            let name = thread::current().name().unwrap_or("<unnamed>").to_string();
            DEFAULT_CALLS.lock().unwrap().push(name);
        }));
        install();

        panic_on("ss-worker-3", "handler failed on purpose");
        panic_on("not-the-server", "a crash elsewhere");

        let _ = panic::take_hook();
        panic::set_hook(before);
        assert_eq!(PANICS.load(Ordering::SeqCst), 2);
        let logged = LOGGED.lock().unwrap().clone();
        let ours: Vec<_> = logged.iter().filter(|line| line.contains("ss-worker-3")).collect();
        assert_eq!(ours.len(), 1, "one debug line for the server thread's panic: {logged:?}");
        assert!(ours[0].contains(file!()) && ours[0].contains("handler failed on purpose"), "{}", ours[0]);
        assert!(!logged.iter().any(|line| line.contains("not-the-server")), "{logged:?}");
        let defaults = DEFAULT_CALLS.lock().unwrap().clone();
        assert!(defaults.iter().any(|name| name == "not-the-server"), "{defaults:?}");
        assert!(!defaults.iter().any(|name| name.starts_with("ss-")), "{defaults:?}");
    }

    #[test]
    fn only_ss_threads_are_the_servers() {
        assert!(is_server_thread("ss-worker-0"));
        assert!(is_server_thread("ss-conn"));
        assert!(!is_server_thread("main"));
        assert!(!is_server_thread("signals"));
    }

    #[test]
    fn the_line_names_thread_location_and_message() {
        let at = Location::caller();
        let line = describe("ss-worker-1", Some(at), &"boom");
        assert_eq!(
            line,
            format!("thread ss-worker-1 panicked at {}:{}:{}: boom", at.file(), at.line(), at.column())
        );
        let owned: Box<dyn Any + Send> = Box::new(String::from("owned boom"));
        assert_eq!(describe("ss-conn", None, owned.as_ref()), "thread ss-conn panicked: owned boom");
    }
}

//! The one log capture: every record this process logs, kept for the
//! test to read (filter for what it needs: a level, a peer, a message).

use parking_lot::Mutex;
use std::sync::Once;

/// A log record as kept: its level and its formatted message.
pub type Logged = (log::Level, String);

static RECORDS: Mutex<Vec<Logged>> = Mutex::new(Vec::new());

/// Every record logged since [`capture_logs`], in order. Other tests of
/// the same process log here too: select by peer or message.
pub fn logs() -> &'static Mutex<Vec<Logged>> {
    &RECORDS
}

/// The messages of the records at `level` or more severe.
pub fn logged_at_least(level: log::Level) -> Vec<String> {
    RECORDS.lock().iter().filter(|(at, _)| *at <= level).map(|(_, message)| message.clone()).collect()
}

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        RECORDS.lock().push((record.level(), record.args().to_string()));
    }

    fn flush(&self) {}
}

/// Routes every log record, at every level, to [`logs`]. Idempotent;
/// panics if another logger was installed first.
pub fn capture_logs() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        log::set_logger(&Capture).expect("another logger is installed");
        log::set_max_level(log::LevelFilter::Trace);
    });
}

/// Silences the default panic message, for tests whose handlers panic on
/// purpose (the server reports those panics through `handle_error`).
pub fn quiet_panics() {
    static QUIET: Once = Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}

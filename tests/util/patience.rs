//! How long a test waits: one constant for the library's tests and the
//! command line's (the CLI's `cli_util` includes this file by path).

use std::time::Duration;

/// The most any single wait in a test may take before it counts as a
/// failure (a hang), not a slow machine. A step that legitimately takes
/// longer (cargo building an example) waits a multiple of it.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// How soon `serve_forever` must return after `shutdown()` when nothing
/// is left to drain.
pub const PROMPT: Duration = Duration::from_secs(2);

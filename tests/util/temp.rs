//! Names and places no other test uses: a unique tag, a temporary
//! directory removed on drop (the CLI's `cli_util` includes this file by
//! path).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A name no other test in this process uses: `tag` and a number. Kept
/// short, since thread names are cut to 15 bytes in `/proc`.
pub fn unique(tag: &str) -> String {
    format!("{tag}{}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A directory of its own under the system's temp dir, removed on drop:
/// room for Unix socket files, configuration files, served trees.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates `$TMP/ss-test-PID-TAG-N`.
    pub fn new(tag: &str) -> TempDir {
        let name = format!("ss-test-{}-{}", std::process::id(), unique(tag));
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).expect("cannot create a temp dir");
        TempDir { path }
    }

    /// A socket path in the directory no other caller got.
    pub fn unique_path(&self, tag: &str) -> PathBuf {
        self.path.join(format!("{}.sock", unique(tag)))
    }

    /// Writes `contents` to the file `name` in the directory; its path.
    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.path.join(name);
        std::fs::write(&path, contents).expect("cannot write a temp file");
        path
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

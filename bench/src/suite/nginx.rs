//! nginx as a comparison server: a folder with a tiny configuration (one
//! worker, `return 200`, no logs), removed afterwards.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Sites created by this process, to name their folders.
static SITES: AtomicUsize = AtomicUsize::new(0);

/// A folder holding nginx.conf, its pid file and error log.
#[derive(Debug)]
pub struct NginxSite {
    binary: PathBuf,
    dir: PathBuf,
    addr: SocketAddr,
}

impl NginxSite {
    /// Picks a free loopback port and writes the configuration.
    ///
    /// # Errors
    ///
    /// A message when no port is free or the folder cannot be written.
    pub fn create(binary: &Path) -> Result<NginxSite, String> {
        let addr = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|err| format!("no free port for nginx: {err}"))?;
        let n = SITES.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("socketserver-bench-nginx-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
        let site = NginxSite { binary: binary.to_path_buf(), dir, addr };
        let conf = site.dir.join("nginx.conf");
        std::fs::write(&conf, site.config())
            .map_err(|err| format!("cannot write {}: {err}", conf.display()))?;
        Ok(site)
    }

    /// Where it will listen.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `nginx -p DIR -c DIR/nginx.conf -e DIR/error.log`, in the foreground.
    pub fn command(&self) -> Command {
        let mut command = Command::new(&self.binary);
        command.arg("-p").arg(&self.dir).arg("-c").arg(self.dir.join("nginx.conf"));
        command.arg("-e").arg(self.dir.join("error.log"));
        command
    }

    /// One worker, no access log, keep-alive without a request limit, the
    /// hello answer of `socketserver serve http`.
    fn config(&self) -> String {
        let dir = self.dir.display();
        format!(
            "worker_processes 1;\ndaemon off;\nerror_log {dir}/error.log warn;\npid {dir}/nginx.pid;\n\
             worker_rlimit_nofile 65536;\nevents {{ worker_connections 30000; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {dir}/body;\n  proxy_temp_path {dir}/proxy;\n  \
             fastcgi_temp_path {dir}/fastcgi;\n  uwsgi_temp_path {dir}/uwsgi;\n  scgi_temp_path {dir}/scgi;\n  \
             keepalive_requests 1000000000;\n  server {{\n    listen {};\n    location / {{\n      \
             default_type \"text/plain; charset=utf-8\";\n      return 200 \"Hello From Server at nginx\";\n    }}\n  }}\n}}\n",
            self.addr
        )
    }
}

impl Drop for NginxSite {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

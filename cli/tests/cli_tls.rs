//! TLS through the binary: `serve … --tls-cert --tls-key` with curl,
//! openssl s_client, `get https://` and `client --tls`; certificates
//! refused at start (exit status 2, naming the file and the problem);
//! SIGHUP reloading the certificate under load with no failed request.
//! Certificates are made at test time (rcgen). curl and openssl are
//! Debian packages (`.ci/run` installs them); a test that needs one
//! skips, saying so, when it is missing.

mod cli_util;

use cli_util::{run, Served, TempDir, PATIENCE};
use socketserver::tls::rustls::{self, pki_types::CertificateDer, pki_types::ServerName};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// A self-signed certificate and its key in PEM files, removed on drop.
struct Cert {
    /// Removes the files when the test is done.
    _temp: TempDir,
    dir: PathBuf,
    cert: PathBuf,
    key: PathBuf,
    der: CertificateDer<'static>,
}

impl Cert {
    fn new(tag: &str) -> Cert {
        Cert::with(tag, rcgen::CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()]).unwrap())
    }

    fn with(tag: &str, params: rcgen::CertificateParams) -> Cert {
        let key = rcgen::KeyPair::generate().unwrap();
        let made = params.self_signed(&key).unwrap();
        let temp = TempDir::new(tag);
        let dir = temp.path().to_path_buf();
        let (cert, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
        std::fs::write(&cert, made.pem()).unwrap();
        std::fs::write(&key_path, key.serialize_pem()).unwrap();
        Cert { _temp: temp, dir, cert, key: key_path, der: made.der().clone() }
    }

    fn cert(&self) -> &str {
        self.cert.to_str().unwrap()
    }

    fn key(&self) -> &str {
        self.key.to_str().unwrap()
    }
}

fn serve_tls(handler: &str, cert: &Cert, extra: &[&str]) -> Served {
    let mut args = vec![handler, "--bind", "127.0.0.1:0", "--tls-cert", cert.cert(), "--tls-key", cert.key()];
    args.extend_from_slice(extra);
    Served::start(&args)
}

/// The `localhost` URL of a bound address.
fn url(served: &Served, path: &str) -> String {
    let port = served.bound.rsplit_once(':').unwrap().1;
    format!("https://localhost:{port}{path}")
}

fn have(tool: &str) -> bool {
    let found =
        Command::new(tool).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
            || Command::new(tool).arg("version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    if !found {
        eprintln!("skipped: `{tool}` is not installed (Debian package `{tool}`; .ci/run installs it)");
    }
    found
}

fn output(command: &mut Command) -> (bool, String, String) {
    let out = command.stdin(Stdio::null()).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn curl_gets_heads_and_keeps_alive_over_tls() {
    if !have("curl") {
        return;
    }
    let cert = Cert::new("tls-curl");
    let served = serve_tls("http", &cert, &["--workers", "4"]);
    let (ok, body, err) =
        output(Command::new("curl").args(["-sS", "--cacert", cert.cert(), &url(&served, "/")]));
    assert!(ok, "curl failed: {err}");
    assert!(body.starts_with("Hello From Server at "), "{body}");

    let (ok, head, err) =
        output(Command::new("curl").args(["-sS", "-I", "--cacert", cert.cert(), &url(&served, "/")]));
    assert!(ok, "curl -I failed: {err}");
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");

    let (ok, _, verbose) = output(Command::new("curl").args([
        "-sS",
        "-v",
        "--cacert",
        cert.cert(),
        &url(&served, "/"),
        &url(&served, "/missing"),
    ]));
    assert!(ok, "curl failed: {verbose}");
    assert!(verbose.contains("ALPN: server accepted http/1.1"), "{verbose}");
    assert!(
        verbose.to_ascii_lowercase().contains("re-using existing connection"),
        "no keep-alive: {verbose}"
    );
    assert!(verbose.contains("< HTTP/1.1 404"), "{verbose}");

    // Without the certificate, curl refuses the server.
    let (ok, _, _) = output(Command::new("curl").args(["-sS", &url(&served, "/")]));
    assert!(!ok, "curl trusted a self-signed certificate it was not given");
    served.stop_cleanly();
}

/// curl `http://` to the TLS port of `serve http` gets a `400` in plaintext
/// saying a plain HTTP request was sent to an HTTPS port (nginx's answer),
/// not a TLS alert it reads as HTTP/0.9; under each strategy, and the
/// server serves HTTPS on afterwards. A line server (no ALPN `http/1.1`)
/// refuses the handshake as before.
#[test]
fn plain_http_to_the_tls_port_is_answered_400() {
    if !have("curl") {
        return;
    }
    let cert = Cert::new("tls-plain");
    for strategy in ["pool", "single", "threads"] {
        let served = serve_tls("http", &cert, &["--concurrency", strategy]);
        let port = served.bound.rsplit_once(':').unwrap().1;
        let plain = format!("http://localhost:{port}/");
        let (ok, body, err) = output(Command::new("curl").args(["-sS", "-w", "%{http_code}", &plain]));
        assert!(ok, "{strategy}: curl failed: {err}");
        assert_eq!(
            body, "400 Bad Request: a plain HTTP request was sent to an HTTPS port; use https\n400",
            "{strategy}"
        );
        let (ok, body, err) =
            output(Command::new("curl").args(["-sS", "--cacert", cert.cert(), &url(&served, "/")]));
        assert!(ok && body.starts_with("Hello From Server at "), "{strategy}: {body}{err}");
        served.stop_cleanly();
    }
    let served = serve_tls("echo", &cert, &[]);
    let port = served.bound.rsplit_once(':').unwrap().1;
    let (ok, _, _) = output(Command::new("curl").args(["-sS", &format!("http://localhost:{port}/")]));
    assert!(!ok, "a line server answered plain HTTP");
    served.stop_cleanly();
}

#[test]
fn openssl_s_client_talks_to_http_and_a_line_server() {
    if !have("openssl") {
        return;
    }
    let cert = Cert::new("tls-openssl");
    // s_client prints what it receives when it exits (its stdout is a
    // pipe), so the server closes each connection: HTTP after the response
    // (`Connection: close`), the line server after a second of idleness.
    let idle = cert.dir.join("idle.toml");
    std::fs::write(&idle, "[limits]\nidle_timeout = \"1s\"\n").unwrap();
    let idle = idle.to_str().unwrap();
    for (handler, send, expect, extra) in [
        (
            "http",
            "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            "Hello From Server at ",
            vec![],
        ),
        ("reverse", "stressed\n", "desserts", vec!["--config", idle]),
    ] {
        let served = serve_tls(handler, &cert, &extra);
        let mut child = Command::new("openssl")
            .args(["s_client", "-connect", &served.bound, "-CAfile", cert.cert(), "-servername", "localhost"])
            .args(["-verify_return_error", "-alpn", "http/1.1"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kept open until s_client ends: its end of input would close
        // the connection before the answer came.
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(send.as_bytes()).unwrap();
        let (tx, exited) = std::sync::mpsc::channel();
        let pid = child.id() as i32;
        std::thread::spawn(move || tx.send(child.wait_with_output()));
        let Ok(out) = exited.recv_timeout(PATIENCE) else {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("{handler}: s_client did not end: the server kept the connection open");
        };
        drop(stdin);
        let out = String::from_utf8_lossy(&out.unwrap().stdout).into_owned();
        assert!(out.contains(expect), "{handler}: no {expect:?} from s_client:\n{out}");
        assert!(out.contains("Verify return code: 0 (ok)"), "{out}");
        if handler == "http" {
            assert!(out.contains("ALPN protocol: http/1.1"), "{out}");
        }
        served.stop_cleanly();
    }
}

#[test]
fn get_and_client_speak_tls_to_the_binary() {
    let cert = Cert::new("tls-get");
    let served = serve_tls("http", &cert, &[]);
    let ran = run(&["get", &url(&served, "/"), "--cacert", cert.cert()], "");
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(ran.stdout.contains("Hello From Server at "), "{ran:?}");
    let ran = run(&["get", &url(&served, "/")], "");
    assert_eq!(ran.code, Some(1), "get trusted a certificate it was not given: {ran:?}");
    assert!(ran.stderr.contains("--cacert"), "{ran:?}");
    let ip = format!("https://{}/", served.bound);
    let ran = run(&["get", &ip, "--insecure"], "");
    assert_eq!(ran.code, Some(0), "{ran:?}");
    served.stop_cleanly();

    let served = serve_tls("reverse", &cert, &[]);
    let addr = format!("localhost:{}", served.bound.rsplit_once(':').unwrap().1);
    let ran = run(&["client", &addr, "--tls", "--cacert", cert.cert(), "--send", "stressed"], "");
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(ran.stdout.trim(), "desserts", "{ran:?}");
    let ran = run(&["client", &served.bound, "--tls", "--insecure"], "drawer\nlevel\n-1\n");
    assert_eq!(ran.stdout, "reward\nlevel\n", "{ran:?}");
    served.stop_cleanly();
}

/// `serve` with these arguments exits with status 2 and a message
/// holding every one of `expect`.
fn refused(args: &[&str], expect: &[&str]) {
    let ran = run(&[&["serve", "echo", "--bind", "127.0.0.1:0"], args].concat(), "");
    assert_eq!(ran.code, Some(2), "{args:?}: {ran:?}");
    for part in expect {
        assert!(ran.stderr.contains(part), "{args:?}: no {part:?} in {:?}", ran.stderr);
    }
}

#[test]
fn bad_certificates_are_refused_at_start_naming_the_file() {
    let good = Cert::new("tls-bad-good");
    let other = Cert::new("tls-bad-other");
    let missing = good.dir.join("missing.pem");
    let missing = missing.to_str().unwrap();
    refused(&["--tls-cert", missing, "--tls-key", good.key()], &[missing, "No such file"]);
    refused(
        &["--tls-cert", good.cert(), "--tls-key", other.key()],
        &[other.key(), "does not match", good.cert()],
    );
    refused(&["--tls-cert", good.key(), "--tls-key", good.key()], &[good.key(), "holds no certificate"]);
    refused(&["--tls-cert", good.cert(), "--tls-key", good.cert()], &[good.cert(), "holds no private key"]);
    refused(&["--tls-cert", good.cert()], &["--tls-cert", "needs --tls-key"]);
    refused(&["--tls-key", good.key()], &["--tls-key", "needs --tls-cert"]);
    refused(
        &["--tls-cert", good.cert(), "--tls-key", good.key(), "--transport", "udp"],
        &["tcp only", "udp"],
    );

    let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(2021, 6, 30);
    let expired = Cert::with("tls-bad-expired", params);
    refused(
        &["--tls-cert", expired.cert(), "--tls-key", expired.key()],
        &[expired.cert(), "expired on 2021-06-30"],
    );

    let unreadable = good.dir.join("unreadable.pem");
    std::fs::write(&unreadable, "x").unwrap();
    let is_root = unsafe { libc::geteuid() } == 0;
    if !is_root {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o000)).unwrap();
        let path = unreadable.to_str().unwrap();
        refused(&["--tls-cert", good.cert(), "--tls-key", path], &[path, "ermission denied"]);
    }
}

#[test]
fn the_config_file_sets_tls() {
    let cert = Cert::new("tls-config");
    let config = cert.dir.join("serve.toml");
    std::fs::write(
        &config,
        "handler = \"reverse\"\nbind = \"127.0.0.1:0\"\ntls_cert = \"cert.pem\"\ntls_key = \"key.pem\"\ntls_handshake_timeout = \"5s\"\n",
    )
    .unwrap();
    let served = Served::start(&["--config", config.to_str().unwrap()]);
    assert!(served.log().contains("transport=tls"), "{}", served.log());
    let ran = run(&["client", &served.bound, "--tls", "--insecure", "--send", "abc"], "");
    assert_eq!(ran.stdout.trim(), "cba", "{ran:?}");
    served.stop_cleanly();

    std::fs::write(&config, "handler = \"reverse\"\ntls_cert = \"cert.pem\"\ntls_key = \"nope.pem\"\n")
        .unwrap();
    let ran = run(&["serve", "--config", config.to_str().unwrap()], "");
    assert_eq!(ran.code, Some(2), "{ran:?}");
    assert!(ran.stderr.contains("nope.pem"), "{ran:?}");
}

/// A client that trusts both certificates and tells which one it met.
fn client_config(certs: &[&Cert]) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in certs {
        roots.add(cert.der.clone()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    // Every connection a full handshake: a resumed one shows no
    // certificate and would remember the old one.
    config.resumption = rustls::client::Resumption::disabled();
    Arc::new(config)
}

/// One GET on a new TLS connection; the certificate the server showed.
fn get_once(addr: &str, config: &Arc<rustls::ClientConfig>) -> Result<CertificateDer<'static>, String> {
    let tcp = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    tcp.set_read_timeout(Some(PATIENCE)).unwrap();
    let conn =
        rustls::ClientConnection::new(config.clone(), ServerName::try_from("localhost").unwrap()).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    tls.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    match tls.read_to_end(&mut response) {
        Ok(_) => {}
        Err(err) if err.kind() == std::io::ErrorKind::UnexpectedEof && !response.is_empty() => {}
        Err(err) => return Err(err.to_string()),
    }
    if !response.starts_with(b"HTTP/1.1 200 OK\r\n") {
        return Err(format!("bad response: {}", String::from_utf8_lossy(&response)));
    }
    Ok(tls.conn.peer_certificates().unwrap()[0].clone())
}

#[test]
fn sighup_reloads_the_certificate_under_load_with_no_failed_request() {
    let first = Cert::new("tls-hup");
    let second = Cert::new("tls-hup2");
    let mut served = serve_tls("http", &first, &["--workers", "4"]);
    let config = client_config(&[&first, &second]);
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (addr, config, stop, done) =
                (served.bound.clone(), config.clone(), stop.clone(), done.clone());
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                // Bounded in count as well as by the test's signal.
                for _ in 0..5_000 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    if let Err(err) = get_once(&addr, &config) {
                        failures.push(err);
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
                failures
            })
        })
        .collect();
    let wait_for_requests = |at_least: usize| {
        let deadline = std::time::Instant::now() + PATIENCE;
        let ticker = std::time::Duration::from_millis(1);
        while done.load(Ordering::Relaxed) < at_least {
            assert!(
                std::time::Instant::now() < deadline,
                "the load stalled at {}",
                done.load(Ordering::Relaxed)
            );
            std::thread::park_timeout(ticker);
        }
    };
    wait_for_requests(50);
    replace(&second, &first);
    served.signal(libc::SIGHUP);
    served
        .wait_for_log(PATIENCE, |line| line.contains("reloaded the TLS certificate"))
        .expect("no reload logged");
    let after = done.load(Ordering::Relaxed);
    wait_for_requests(after + 50);
    assert_eq!(get_once(&served.bound, &config).unwrap(), second.der, "the new certificate is not served");

    // A bad new key: logged, the pair in use kept.
    std::fs::write(&first.key, "not a key").unwrap();
    served.signal(libc::SIGHUP);
    served
        .wait_for_log(PATIENCE, |line| line.contains("kept the TLS certificate in use"))
        .expect("no refusal logged");
    let after = done.load(Ordering::Relaxed);
    wait_for_requests(after + 50);
    assert_eq!(get_once(&served.bound, &config).unwrap(), second.der);

    stop.store(true, Ordering::Relaxed);
    let failures: Vec<String> = clients.into_iter().flat_map(|c| c.join().unwrap()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} requests failed: {:?}",
        failures.len(),
        done.load(Ordering::Relaxed),
        &failures[..failures.len().min(5)]
    );
    let log = served.stop_cleanly();
    assert!(!log.contains("[ERROR] received SIGHUP: reloaded"), "{log}");
}

/// Puts `from`'s certificate and key into `to`'s files.
fn replace(from: &Cert, to: &Cert) {
    copy(&from.cert, &to.cert);
    copy(&from.key, &to.key);
}

fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap();
}

/// `serve static` over TLS: file bodies, which go out by sendfile(2) over
/// plain TCP, must go through rustls here, whole and as a range.
#[test]
fn static_files_over_tls_are_encrypted_not_sendfiled() {
    let cert = Cert::new("tls-static");
    let root = cert.dir.join("public");
    std::fs::create_dir_all(&root).unwrap();
    let body: String = (0..40_000).map(|i| format!("{i:07}\n")).collect();
    std::fs::write(root.join("big.txt"), &body).unwrap();
    let served = serve_tls("static", &cert, &["--dir", root.to_str().unwrap()]);
    let ran = run(&["get", &url(&served, "/big.txt"), "--cacert", cert.cert()], "");
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stdout.starts_with("HTTP/1.1 200 OK\r\n"), "{}", &ran.stdout[..200.min(ran.stdout.len())]);
    assert!(ran.stdout.ends_with(&body), "the file arrived changed or cut short");
    if have("curl") {
        let (ok, part, err) = output(Command::new("curl").args([
            "-sS",
            "--cacert",
            cert.cert(),
            "-r",
            "80000-80015",
            &url(&served, "/big.txt"),
        ]));
        assert!(ok, "{err}");
        assert_eq!(part, &body[80_000..80_016]);
    }
    served.stop_cleanly();
}

//! A hello-and-time HTTP page: a greeting with the server's date and time.

use crate::http::{HttpHandler, HttpRequest, HttpResponse, Method};
use std::fmt::Write;
use std::io;

/// Answers `GET /` with `Hello From Server at <date and time>` (local
/// time, as Python's `str(datetime.today())` prints it), as the classic
/// `http.server` example's `do_GET` does. `HEAD /` gets the same
/// header fields; other paths get `404`, other methods `405`.
///
/// # Examples
///
/// ```
/// use socketserver::handlers::Hello;
/// use socketserver::http::Http;
/// use socketserver::{Server, Tcp};
/// use std::io::{Read, Write};
///
/// let server = Server::builder(Http::new(Hello)).bind::<Tcp>("127.0.0.1:0")?;
/// let addr = server.local_addr().as_inet().unwrap();
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || server.serve_forever());
///
/// let mut client = std::net::TcpStream::connect(addr)?;
/// client.write_all(b"GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?;
/// let mut answer = String::new();
/// client.read_to_string(&mut answer)?;
/// assert!(answer.starts_with("HTTP/1.1 404 Not Found\r\n"));
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Hello;

impl HttpHandler for Hello {
    fn get(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        if req.path() != "/" {
            return Ok(HttpResponse::text(
                404,
                format!("404 Not Found: only / is served here, not {}\n", req.path()),
            ));
        }
        Ok(HttpResponse::text(200, greeting()))
    }

    fn unsupported(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        Ok(HttpResponse::method_not_allowed(req.method(), &[Method::Get, Method::Head]))
    }
}

thread_local! {
    /// The local time to the second, formatted once a second: a profile
    /// of keep-alive load showed chrono parsing the format string per
    /// response.
    static SECOND: std::cell::RefCell<(i64, String)> = const { std::cell::RefCell::new((i64::MIN, String::new())) };
}

/// The local time as `2019-02-19 15:50:44.720747`.
/// "Hello From Server at " and the local time to the microsecond, made
/// in one string (the seconds formatted once a second).
fn greeting() -> String {
    let now = chrono::Local::now();
    SECOND.with(|second| {
        let mut second = second.borrow_mut();
        if second.0 != now.timestamp() {
            *second = (now.timestamp(), now.format("%Y-%m-%d %H:%M:%S").to_string());
        }
        let mut text = String::with_capacity(48);
        let _ = write!(text, "Hello From Server at {}.{:06}", second.1, now.timestamp_subsec_micros());
        text
    })
}

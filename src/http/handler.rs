//! The application trait: Python's `do_GET`, `do_POST`, ...

use super::{HttpRequest, HttpResponse, Method};
use std::io;

/// An HTTP application: one method per HTTP method, like the `do_GET` and
/// `do_POST` of Python's `BaseHTTPRequestHandler`, or one
/// [`respond`](Self::respond) for every request.
///
/// Wrap it in [`Http`](super::Http) to serve it on any transport and with
/// any concurrency strategy. The layer has read and checked the whole
/// request, body included, before calling it; it writes the response with
/// `Date`, `Server`, `Content-Length` and `Connection`, and sends `HEAD`
/// responses without their body. An `Err` or a panic becomes a
/// `500 Internal Server Error` for that request, and the connection goes
/// on.
///
/// Methods not overridden go to [`unsupported`](Self::unsupported), which
/// answers `501 Not Implemented` as Python does; `head` defaults to `get`.
/// A closure `Fn(&HttpRequest) -> io::Result<HttpResponse>` is a handler
/// too.
///
/// # Examples
///
/// ```
/// use socketserver::http::{Http, HttpHandler, HttpRequest, HttpResponse};
/// use socketserver::{Server, Tcp};
/// use std::io::{self, Read, Write};
///
/// /// Greets on GET, echoes on POST.
/// struct Greeter;
///
/// impl HttpHandler for Greeter {
///     fn get(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
///         Ok(HttpResponse::text(200, format!("hello, {}\n", req.path())))
///     }
///
///     fn post(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
///         Ok(HttpResponse::new(200).body(req.body()))
///     }
/// }
///
/// let server = Server::builder(Http::new(Greeter)).bind::<Tcp>("127.0.0.1:0")?;
/// let addr = server.local_addr().as_inet().unwrap();
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || server.serve_forever());
///
/// let mut client = std::net::TcpStream::connect(addr)?;
/// client.write_all(b"GET /world HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?;
/// let mut answer = String::new();
/// client.read_to_string(&mut answer)?;
/// assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"));
/// assert!(answer.ends_with("\r\n\r\nhello, /world\n"));
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// The same as one function:
///
/// ```
/// use socketserver::http::{Http, HttpRequest, HttpResponse};
///
/// let http = Http::new(|req: &HttpRequest| Ok(HttpResponse::text(200, req.path().to_string())));
/// ```
pub trait HttpHandler: Send + Sync + 'static {
    /// Answers one request. Default: calls the method's own function.
    ///
    /// # Errors
    ///
    /// An error becomes a `500` for this request.
    fn respond(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        match req.method() {
            Method::Get => self.get(req),
            Method::Head => self.head(req),
            Method::Post => self.post(req),
            Method::Put => self.put(req),
            Method::Delete => self.delete(req),
            Method::Patch => self.patch(req),
            Method::Options => self.options(req),
            Method::Connect | Method::Trace => self.unsupported(req),
        }
    }

    /// `GET`. Default: [`unsupported`](Self::unsupported).
    ///
    /// # Errors
    ///
    /// An error becomes a `500` for this request.
    fn get(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        self.unsupported(req)
    }

    /// `HEAD`. Default: [`get`](Self::get); the layer drops the body and
    /// keeps its `Content-Length`.
    ///
    /// # Errors
    ///
    /// An error becomes a `500` for this request.
    fn head(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        self.get(req)
    }

    /// `POST`. Default: [`unsupported`](Self::unsupported).
    ///
    /// # Errors
    ///
    /// An error becomes a `500` for this request.
    fn post(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        self.unsupported(req)
    }

    /// `PUT`. Default: [`unsupported`](Self::unsupported).
    ///
    /// # Errors
    ///
    /// An error becomes a `500` for this request.
    fn put(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        self.unsupported(req)
    }

    /// `DELETE`. Default: [`unsupported`](Self::unsupported).
    ///
    /// # Errors
    ///
    /// An error becomes a `500` for this request.
    fn delete(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        self.unsupported(req)
    }

    /// `PATCH`. Default: [`unsupported`](Self::unsupported).
    ///
    /// # Errors
    ///
    /// An error becomes a `500` for this request.
    fn patch(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        self.unsupported(req)
    }

    /// `OPTIONS`. Default: [`unsupported`](Self::unsupported).
    ///
    /// # Errors
    ///
    /// An error becomes a `500` for this request.
    fn options(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        self.unsupported(req)
    }

    /// Every method the application does not implement (and `CONNECT`,
    /// `TRACE`). Default: `501 Not Implemented`, as Python answers;
    /// override it to answer [`HttpResponse::method_not_allowed`].
    ///
    /// # Errors
    ///
    /// An error becomes a `500` for this request.
    fn unsupported(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        Ok(HttpResponse::text(
            501,
            format!("501 Not Implemented: this server does not implement {}\n", req.method()),
        ))
    }
}

impl<F> HttpHandler for F
where
    F: Fn(&HttpRequest) -> io::Result<HttpResponse> + Send + Sync + 'static,
{
    fn respond(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        self(req)
    }
}

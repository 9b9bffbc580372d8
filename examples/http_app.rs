// cargo run --example http_app --features http -- 127.0.0.1:0
//
// A small HTTP application on the crate's HTTP layer: routes by method and
// path, a JSON API, an HTML form and a plain-text report answered under
// HTTP's rules for conditional and range requests (ETag, Last-Modified,
// 304, 412, 206, multipart ranges, 416), served by a `ThreadPool` whose
// connections wait in the poller between requests. Try it:
//
//     curl http://127.0.0.1:PORT/notes
//     curl -i http://127.0.0.1:PORT/notes.txt
//     curl -i -H 'If-None-Match: "..."' http://127.0.0.1:PORT/notes.txt   (the ETag it sent: 304)
//     curl -i -r 0-9,20-29 http://127.0.0.1:PORT/notes.txt                 (206, multipart)
//     curl -d '{"text":"buy milk"}' -H 'Content-Type: application/json' http://127.0.0.1:PORT/notes
//     curl -d 'text=call+home' http://127.0.0.1:PORT/form
//     open http://127.0.0.1:PORT/ in a browser for the form
//
// It prints the address it bound, then serves until killed.

use serde::{Deserialize, Serialize};
use socketserver::http::{
    EntityTag, Http, HttpHandler, HttpRequest, HttpResponse, Method, Representation, Validators,
};
use socketserver::{Server, Tcp, ThreadPool};
use std::io;
use std::sync::Mutex;
use std::time::SystemTime;

/// A note, as the JSON API reads and writes it.
#[derive(Clone, Serialize, Deserialize)]
struct Note {
    #[serde(default)]
    id: usize,
    text: String,
}

/// The application: its routes and the notes they share, with the time
/// of the last change.
struct Notes {
    notes: Mutex<(Vec<Note>, SystemTime)>,
}

impl Notes {
    fn new() -> Notes {
        Notes { notes: Mutex::new((Vec::new(), SystemTime::now())) }
    }

    fn add(&self, text: String) -> Note {
        let mut notes = self.notes.lock().unwrap();
        let note = Note { id: notes.0.len() + 1, text };
        notes.0.push(note.clone());
        notes.1 = SystemTime::now();
        note
    }

    /// `GET /`: the form, with the notes so far.
    fn page(&self) -> HttpResponse {
        let items: String =
            self.notes.lock().unwrap().0.iter().map(|n| format!("<li>{}</li>", escape(&n.text))).collect();
        HttpResponse::html(
            200,
            format!(
                "<!doctype html><title>Notes</title><ul>{items}</ul>\
                 <form method=post action=/form><input name=text><button>Add</button></form>"
            ),
        )
    }

    /// `GET /notes`: every note as JSON.
    fn list(&self) -> io::Result<HttpResponse> {
        json(200, &self.notes.lock().unwrap().0)
    }

    /// `GET /notes.txt`: the notes as a plain-text report, generated for
    /// each request and answered under HTTP's rules: its `ETag` (from its
    /// content) and `Last-Modified` make `304` (`If-None-Match`,
    /// `If-Modified-Since`) and `412` (`If-Match`); `Range` gets `206`
    /// (several ranges as `multipart/byteranges`) or `416`.
    fn report(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        let (text, changed) = {
            let notes = self.notes.lock().unwrap();
            (notes.0.iter().map(|n| format!("{}. {}\n", n.id, n.text)).collect::<String>(), notes.1)
        };
        let validators =
            Validators::new().etag(EntityTag::from_content(text.as_bytes())).last_modified(changed);
        Ok(Representation::bytes("text/plain; charset=utf-8", text)?.validators(validators).respond(req))
    }

    /// `POST /notes`: a JSON note in, the stored note (with its id) out.
    fn create(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        if req.header("content-type").is_none_or(|t| !t.starts_with("application/json")) {
            return Ok(HttpResponse::text(415, "send Content-Type: application/json\n"));
        }
        match serde_json::from_slice::<Note>(req.body()) {
            Ok(note) => json(201, &self.add(note.text)),
            Err(err) => {
                Ok(HttpResponse::text(400, format!("bad JSON note: {err}; send {{\"text\": \"...\"}}\n")))
            }
        }
    }

    /// `POST /form`: an HTML form's `text` field.
    fn submit(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        let text =
            form_urlencoded::parse(req.body()).find(|(key, _)| key == "text").map(|(_, v)| v.into_owned());
        match text {
            Some(text) if !text.is_empty() => {
                let note = self.add(text);
                Ok(HttpResponse::html(
                    200,
                    format!("<p>added note {}: {}</p><a href=/>back</a>", note.id, escape(&note.text)),
                ))
            }
            _ => Ok(HttpResponse::text(400, "the form needs a non-empty `text` field\n")),
        }
    }
}

impl HttpHandler for Notes {
    fn respond(&self, req: &HttpRequest) -> io::Result<HttpResponse> {
        match (req.method(), req.path()) {
            (Method::Get | Method::Head, "/") => Ok(self.page()),
            (Method::Get | Method::Head, "/notes") => self.list(),
            (Method::Get | Method::Head, "/notes.txt") => self.report(req),
            (Method::Post, "/notes") => self.create(req),
            (Method::Post, "/form") => self.submit(req),
            (method, "/" | "/notes") => {
                Ok(HttpResponse::method_not_allowed(method, &[Method::Get, Method::Post]))
            }
            (method, "/form") => Ok(HttpResponse::method_not_allowed(method, &[Method::Post])),
            (method, "/notes.txt") => {
                Ok(HttpResponse::method_not_allowed(method, &[Method::Get, Method::Head]))
            }
            _ => Ok(HttpResponse::text(404, format!("no route for {}\n", req.path()))),
        }
    }
}

fn json(status: u16, value: &impl Serialize) -> io::Result<HttpResponse> {
    let body = serde_json::to_vec(value).map_err(io::Error::other)?;
    HttpResponse::new(status).header("Content-Type", "application/json").map(|r| r.body(body))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn main() -> io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:9004".into());
    let server = Server::builder(Http::new(Notes::new()))
        .concurrency(ThreadPool::new(4))
        .bind::<Tcp>(addr.as_str())?;
    println!("listening on {}", server.local_addr());
    server.serve_forever()?;
    Ok(())
}

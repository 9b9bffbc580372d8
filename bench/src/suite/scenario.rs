//! The scenarios every strategy is driven through, and which strategies
//! can take part in each.

use super::contender::Contender;
use super::SuiteArgs;
use crate::plan::LoadPlan;
use crate::request_spec::RequestSpec;
use std::net::SocketAddr;
use std::time::Duration;

/// The address-book question and the default book's answer to it.
const NAME: &str = "John";
const OFFICE: &str = "C45";
/// The UDP message and the ack server's answer.
const ACK_MESSAGE: &str = "hello";
const ACK_ANSWER: &str = "OK...hello";

/// One row group of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// 64-byte echo over 50 persistent connections.
    Echo64,
    /// The same with idle connections held open.
    Echo64Idle,
    /// 64-byte echo, a new connection per request, 20 clients.
    PerRequest,
    /// 64 KiB echo over 10 connections.
    Echo64K,
    /// Address-book lines over 50 connections.
    AddressBook,
    /// UDP ack from 20 clients.
    UdpAck,
    /// `GET /` to the HTTP hello server over 50 keep-alive connections.
    HttpHello,
    /// Server memory per idle connection.
    RssPerIdle,
    /// HTTP hello over 50 connections while slow clients send their heads
    /// a byte at a time.
    HttpSlow,
    /// HTTP hello over 50 connections while slow readers pipeline
    /// requests and never read.
    HttpSlowRead,
}

impl Scenario {
    /// Every scenario, in table order.
    pub const ALL: [Scenario; 10] = [
        Scenario::Echo64,
        Scenario::Echo64K,
        Scenario::AddressBook,
        Scenario::PerRequest,
        Scenario::UdpAck,
        Scenario::HttpHello,
        Scenario::Echo64Idle,
        Scenario::RssPerIdle,
        Scenario::HttpSlow,
        Scenario::HttpSlowRead,
    ];

    /// Short name, for `--only` and the table.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Echo64 => "echo-64",
            Scenario::Echo64Idle => "echo-64-idle",
            Scenario::PerRequest => "per-request",
            Scenario::Echo64K => "echo-64k",
            Scenario::AddressBook => "address-book",
            Scenario::UdpAck => "udp-ack",
            Scenario::HttpHello => "http-hello",
            Scenario::RssPerIdle => "rss-per-idle",
            Scenario::HttpSlow => "http-slow",
            Scenario::HttpSlowRead => "http-slow-read",
        }
    }

    /// What the scenario does, in words.
    pub fn describe(self, args: &SuiteArgs) -> String {
        match self {
            Scenario::Echo64 => "64-byte echo over 50 persistent connections".to_string(),
            Scenario::Echo64Idle => {
                format!("64-byte echo over 50 connections while {} more are held open idle", args.idle)
            }
            Scenario::PerRequest => "64-byte echo, a new connection per request, 20 clients".to_string(),
            Scenario::Echo64K => "64 KiB echo over 10 persistent connections".to_string(),
            Scenario::AddressBook => format!(
                "`{NAME}` → `{OFFICE}` lines to the address book over 50 connections \
                 (std and tokio echo the same {} bytes)",
                NAME.len() + 1
            ),
            Scenario::UdpAck => format!("UDP ack (`{ACK_MESSAGE}` → `{ACK_ANSWER}`) from 20 clients"),
            Scenario::HttpHello => {
                "`GET /` to `serve http` over 50 keep-alive connections (as `wrk -c 50`)".to_string()
            }
            Scenario::RssPerIdle => format!(
                "server RSS growth per connection, {} connections opened, answered once (a 1-byte echo) \
                 and held",
                args.rss_conns
            ),
            Scenario::HttpSlow => format!(
                "`GET /` over 50 keep-alive connections while {} more send a request head one byte a second \
                 and never finish it (`bench --slow`); the result is what the 50 normal clients got",
                args.slow
            ),
            Scenario::HttpSlowRead => format!(
                "`GET /` over 50 keep-alive connections while {} more pipeline requests and never read an \
                 answer (`bench --slow-read`); the result is what the 50 normal clients got",
                args.slow_read
            ),
        }
    }

    /// The bundled server (`socketserver serve HANDLER`) it runs against.
    pub fn handler(self) -> &'static str {
        match self {
            Scenario::AddressBook => "address-book",
            Scenario::UdpAck => "ack",
            Scenario::HttpHello | Scenario::HttpSlow | Scenario::HttpSlowRead => "http",
            _ => "echo",
        }
    }

    /// The transport flag of that server.
    pub fn transport(self) -> &'static str {
        if self == Scenario::UdpAck {
            "udp"
        } else {
            "tcp"
        }
    }

    /// Whether it speaks HTTP (hyper and nginx take part, the echo
    /// servers do not).
    pub fn is_http(self) -> bool {
        matches!(self, Scenario::HttpHello | Scenario::HttpSlow | Scenario::HttpSlowRead)
    }

    /// Whether `contender` speaks this scenario's protocol at all: the
    /// strategies speak every one, the echo servers (std, tokio) all but
    /// HTTP (std not UDP either), hyper and nginx only HTTP. A server that
    /// does not is left out of the scenario's rows.
    pub fn speaks(self, contender: Contender) -> bool {
        match contender {
            Contender::Hyper | Contender::Nginx => self.is_http(),
            Contender::Reference => !self.is_http() && self != Scenario::UdpAck,
            Contender::Tokio => !self.is_http(),
            Contender::Single | Contender::Threads | Contender::Pool => true,
        }
    }

    /// The load driven against `addr` (`None` for the memory scenario).
    pub fn plan(self, addr: SocketAddr, contender: Contender, args: &SuiteArgs) -> Option<LoadPlan> {
        let echo64 = RequestSpec::Echo { size: 64 };
        let (conns, idle, per_request, request) = match self {
            Scenario::Echo64 => (50, 0, false, echo64),
            Scenario::Echo64Idle => (50, args.idle as usize, false, echo64),
            Scenario::PerRequest => (20, 0, true, echo64),
            Scenario::Echo64K => (10, 0, false, RequestSpec::Echo { size: 64 * 1024 }),
            Scenario::AddressBook if contender == Contender::Reference => {
                (50, 0, false, RequestSpec::Echo { size: NAME.len() + 1 })
            }
            Scenario::AddressBook => {
                let request =
                    RequestSpec::Line { message: NAME.to_string(), expect: Some(OFFICE.to_string()) };
                (50, 0, false, request)
            }
            Scenario::UdpAck => {
                let request = RequestSpec::Udp {
                    message: ACK_MESSAGE.to_string(),
                    expect: Some(ACK_ANSWER.to_string()),
                };
                (20, 0, false, request)
            }
            Scenario::HttpHello | Scenario::HttpSlow | Scenario::HttpSlowRead => {
                (50, 0, false, RequestSpec::Http { path: "/".to_string() })
            }
            Scenario::RssPerIdle => return None,
        };
        Some(LoadPlan {
            addr,
            conns,
            threads: 1,
            slow: if self == Scenario::HttpSlow { args.slow as usize } else { 0 },
            slow_read: if self == Scenario::HttpSlowRead { args.slow_read as usize } else { 0 },
            slow_interval: Duration::from_secs(1),
            pipeline_flood: 0,
            rotate: crate::plan::DEFAULT_ROTATE,
            stall: crate::plan::DEFAULT_STALL,
            windows: None,
            duration: args.duration,
            warmup: args.warmup,
            timeout: Duration::from_secs(5),
            per_request,
            idle,
            request,
            progress: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_comparison_server_takes_part_only_in_its_protocol() {
        assert!(Scenario::HttpSlow.speaks(Contender::Nginx));
        assert!(!Scenario::Echo64.speaks(Contender::Hyper));
        assert!(Scenario::UdpAck.speaks(Contender::Tokio));
        assert!(!Scenario::UdpAck.speaks(Contender::Reference));
        assert!(Scenario::ALL.iter().all(|s| s.speaks(Contender::Pool)));
    }
}

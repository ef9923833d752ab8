//! A scriptable HTTP/1.1 server on 127.0.0.1 for what a real Glance cannot
//! show: faults, stalls, odd bodies, vendor extensions. Each test gives it a
//! handler that sees the parsed request and writes whatever bytes it likes.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Instant;

/// A request as the double received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When the request had been read in full.
    pub at: Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
}

/// The connection a handler answers on.
pub struct Conn {
    stream: TcpStream,
    /// Set by a handler that broke the connection on purpose.
    closed: bool,
}

impl Conn {
    /// A complete response with `Content-Length`.
    pub fn respond(&mut self, status: u16, headers: &[(&str, &str)], body: &[u8]) {
        let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let _ = self.stream.write_all(head.as_bytes());
        let _ = self.stream.write_all(body);
    }

    /// A JSON response with a request id.
    pub fn json(&mut self, status: u16, body: &serde_json::Value) {
        self.respond(
            status,
            &[
                ("Content-Type", "application/json"),
                ("x-openstack-request-id", "req-double"),
            ],
            body.to_string().as_bytes(),
        );
    }

    /// Raw bytes, for malformed answers.
    pub fn raw(&mut self, bytes: &[u8]) {
        let _ = self.stream.write_all(bytes);
        let _ = self.stream.flush();
    }

    /// Closes the connection abruptly (RST where the platform allows).
    pub fn reset(&mut self) {
        set_zero_linger(&self.stream);
        let _ = self.stream.shutdown(Shutdown::Both);
        self.closed = true;
    }

    /// Closes the connection after what was written.
    pub fn close(&mut self) {
        let _ = self.stream.flush();
        let _ = self.stream.shutdown(Shutdown::Both);
        self.closed = true;
    }

    pub fn stream(&mut self) -> &mut TcpStream {
        &mut self.stream
    }
}

type Handler = dyn Fn(&Recorded, &mut Conn) + Send + Sync;

/// The server; stops when dropped.
pub struct Double {
    addr: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
    connections: Arc<AtomicUsize>,
}

impl Double {
    pub fn start(handler: impl Fn(&Recorded, &mut Conn) + Send + Sync + 'static) -> Double {
        Double::start_with(None, handler)
    }

    /// A double behind a uWSGI-like front end: a request with a chunked body
    /// is answered 411 Length Required and the connection closed before any
    /// of the body is read (recorded with an empty body; the handler never
    /// sees it).
    pub fn start_refusing_chunked(
        handler: impl Fn(&Recorded, &mut Conn) + Send + Sync + 'static,
    ) -> Double {
        Double::start_with(Some("/"), handler)
    }

    /// As [`Double::start_refusing_chunked`] for the paths under `prefix`
    /// only (e.g. `/uwsgi/`: a client whose endpoint ends in `/uwsgi` meets
    /// the refusing front end, the others the plain double).
    pub fn start_refusing_chunked_under(
        prefix: &'static str,
        handler: impl Fn(&Recorded, &mut Conn) + Send + Sync + 'static,
    ) -> Double {
        Double::start_with(Some(prefix), handler)
    }

    fn start_with(
        refuse_chunked: Option<&'static str>,
        handler: impl Fn(&Recorded, &mut Conn) + Send + Sync + 'static,
    ) -> Double {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap().to_string();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(AtomicUsize::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        {
            let requests = requests.clone();
            let stop = stop.clone();
            let connections = connections.clone();
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    connections.fetch_add(1, Ordering::SeqCst);
                    let handler = handler.clone();
                    let requests = requests.clone();
                    thread::spawn(move || serve(stream, &*handler, &requests, refuse_chunked));
                }
            });
        }
        Double {
            addr,
            requests,
            stop,
            connections,
        }
    }

    /// `http://127.0.0.1:<port>`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client of this double as its Image service, with a fixed token and
    /// no proxy (a proxy from the environment must not catch loopback calls).
    pub fn client(&self) -> glance_client::Client {
        glance_client::Client::builder()
            .endpoint(self.url())
            .token("secret-token")
            .proxy(glance_client::config::ProxySetting::None)
            .build()
            .expect("a client of the test double")
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// How many connections clients opened so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Double {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(&self.addr);
    }
}

fn serve(
    stream: TcpStream,
    handler: &Handler,
    requests: &Mutex<Vec<Recorded>>,
    refuse_chunked: Option<&'static str>,
) {
    // Head and body go out in separate writes: without this, Nagle's algorithm
    // and the client's delayed ACK hold every body back for ~40 ms.
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut conn = Conn {
        stream,
        closed: false,
    };
    loop {
        let Some(request) = read_request(&mut reader, refuse_chunked) else {
            return;
        };
        requests.lock().unwrap().push(request.clone());
        if refused(&request, refuse_chunked) {
            conn.respond(
                411,
                &[("Connection", "close")],
                b"<p>A request of the requested method PUT requires a valid Content-length.</p>",
            );
            conn.close();
            return;
        }
        handler(&request, &mut conn);
        if conn.closed {
            return;
        }
    }
}

/// Whether the front end refuses this request: chunked, under the prefix.
fn refused(request: &Recorded, refuse_chunked_under: Option<&str>) -> bool {
    refuse_chunked_under.is_some_and(|prefix| request.target.starts_with(prefix))
        && request
            .header("transfer-encoding")
            .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
}

/// Reads one request; not the body of a chunked one under
/// `refuse_chunked_under`.
fn read_request(
    reader: &mut BufReader<TcpStream>,
    refuse_chunked_under: Option<&str>,
) -> Option<Recorded> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _): &&(String, String)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    let chunked = find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    let skip = chunked && refuse_chunked_under.is_some_and(|prefix| target.starts_with(prefix));
    if skip {
        // The front end answers before reading the body.
    } else if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let n = usize::from_str_radix(size.trim().split(';').next()?, 16).ok()?;
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk).ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(len) = find("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(len, 0);
        reader.read_exact(&mut body).ok()?;
    }
    Some(Recorded {
        method,
        target,
        headers,
        body,
        at: Instant::now(),
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Request Entity Too Large",
        415 => "Unsupported Media Type",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// SO_LINGER with a zero timeout makes close() send RST instead of FIN.
fn set_zero_linger(stream: &TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket descriptor and a correctly sized linger struct.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}

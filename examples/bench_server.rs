//! A fast stand-in for Glance that `scripts/bench` measures the clients
//! against: it serves one file as every image's data straight from the page
//! cache (`sendfile` through `std::io::copy`), swallows uploads without
//! looking at them, and lists a synthetic catalogue of any size. It measures
//! the clients, not a server: no auth, no database, no hashing.
//!
//! ```text
//! cargo run --release --example bench_server -- --data FILE --md5 HEX --sha512 HEX \
//!     [--images 10000] [--schema FILE] [--port 0]
//! ```
//!
//! It prints `listening PORT` once it accepts connections, and serves until killed.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;

/// What every connection needs to answer.
struct Catalogue {
    port: u16,
    data: String,
    size: u64,
    md5: String,
    sha512: String,
    images: usize,
    schema: Option<Vec<u8>>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let data = value("--data").ok_or("--data FILE is required")?;
    let size = std::fs::metadata(&data)?.len();
    let listener = TcpListener::bind((
        "127.0.0.1",
        value("--port").unwrap_or_default().parse().unwrap_or(0),
    ))?;
    let catalogue = Arc::new(Catalogue {
        port: listener.local_addr()?.port(),
        data,
        size,
        md5: value("--md5").unwrap_or_default(),
        sha512: value("--sha512").unwrap_or_default(),
        images: value("--images")
            .and_then(|n| n.parse().ok())
            .unwrap_or(10_000),
        schema: value("--schema").map(std::fs::read).transpose()?,
    });
    println!("listening {}", catalogue.port);
    io::stdout().flush()?;
    for stream in listener.incoming() {
        let stream = stream?;
        let catalogue = Arc::clone(&catalogue);
        thread::spawn(move || {
            // A client hanging up mid-request is its own business.
            let _ = serve(stream, &catalogue);
        });
    }
    Ok(())
}

/// One request's line and the headers that matter here.
struct Request {
    method: String,
    target: String,
    length: Option<u64>,
    chunked: bool,
    close: bool,
    /// curl sends `Expect: 100-continue` before large bodies.
    expect_continue: bool,
}

fn read_request(reader: &mut impl BufRead) -> io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let mut request = Request {
        method,
        target,
        length: None,
        chunked: false,
        close: false,
        expect_continue: false,
    };
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end();
        if header.is_empty() {
            return Ok(Some(request));
        }
        let Some((name, value)) = header.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => request.length = value.parse().ok(),
            "transfer-encoding" => request.chunked = value.eq_ignore_ascii_case("chunked"),
            "connection" => request.close = value.eq_ignore_ascii_case("close"),
            "expect" => request.expect_continue = value.eq_ignore_ascii_case("100-continue"),
            _ => {}
        }
    }
}

/// Reads and drops a request body, returning how many bytes it had.
fn swallow(reader: &mut BufReader<TcpStream>, request: &Request) -> io::Result<u64> {
    if request.chunked {
        let mut total = 0;
        let mut line = String::new();
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let hex = line.trim().split(';').next().unwrap_or_default();
            let size = u64::from_str_radix(hex, 16)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
            if size == 0 {
                // Trailers, then the empty line.
                loop {
                    line.clear();
                    if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                        return Ok(total);
                    }
                }
            }
            total += io::copy(&mut reader.by_ref().take(size), &mut io::sink())?;
            line.clear();
            reader.read_line(&mut line)?;
        }
    }
    let length = request.length.unwrap_or(0);
    io::copy(&mut reader.by_ref().take(length), &mut io::sink())
}

fn serve(stream: TcpStream, catalogue: &Catalogue) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::with_capacity(256 * 1024, stream.try_clone()?);
    let mut out = stream;
    while let Some(request) = read_request(&mut reader)? {
        if request.expect_continue {
            out.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        let received = swallow(&mut reader, &request)?;
        let path = request.target.split('?').next().unwrap_or_default();
        let query = request.target.split_once('?').map_or("", |(_, q)| q);
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match (request.method.as_str(), segments.as_slice()) {
            ("GET", [""] | ["versions"]) => {
                let href = format!("http://127.0.0.1:{}/v2/", catalogue.port);
                let body = format!(
                    r#"{{"versions":[{{"id":"v2.16","status":"CURRENT","links":[{{"rel":"self","href":"{href}"}}]}}]}}"#
                );
                respond(&mut out, 300, "application/json", body.as_bytes())?;
            }
            ("GET", ["v2", "schemas", "image"]) => {
                let schema = catalogue.schema.as_deref().unwrap_or(b"{}");
                respond(&mut out, 200, "application/json", schema)?;
            }
            ("GET", ["v2", "images"]) => {
                let body = listing(catalogue, query);
                respond(&mut out, 200, "application/json", body.as_bytes())?;
            }
            ("POST", ["v2", "images"]) => {
                let body = image_json(catalogue, &uuid(7_000_000 + received), "queued");
                respond(&mut out, 201, "application/json", body.as_bytes())?;
            }
            ("GET", ["v2", "images", id]) => {
                let body = image_json(catalogue, id, "active");
                respond(&mut out, 200, "application/json", body.as_bytes())?;
            }
            ("GET", ["v2", "images", _, "file"]) => {
                let mut file = File::open(&catalogue.data)?;
                write!(
                    out,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\
                     Content-Length: {}\r\nContent-MD5: {}\r\n\r\n",
                    catalogue.size, catalogue.md5
                )?;
                io::copy(&mut file, &mut out)?;
            }
            ("PUT", ["v2", "images", _, "file"]) | ("DELETE", ["v2", "images", _]) => {
                respond(&mut out, 204, "", b"")?;
            }
            _ => respond(&mut out, 404, "text/plain", b"not found")?,
        }
        if request.close {
            break;
        }
    }
    Ok(())
}

fn respond(out: &mut TcpStream, status: u16, content_type: &str, body: &[u8]) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        300 => "Multiple Choices",
        _ => "Not Found",
    };
    let mut writer = BufWriter::with_capacity(64 * 1024, out);
    write!(writer, "HTTP/1.1 {status} {reason}\r\n")?;
    if !content_type.is_empty() {
        write!(writer, "Content-Type: {content_type}\r\n")?;
    }
    write!(
        writer,
        "Content-Length: {}\r\nX-Openstack-Request-Id: req-bench\r\n\r\n",
        body.len()
    )?;
    writer.write_all(body)?;
    writer.flush()
}

/// A stable UUID-shaped id for image number `n`.
fn uuid(n: u64) -> String {
    let hex = format!("{n:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// An image record shaped like Glance 33's, about 1 KB of JSON.
fn image_json(catalogue: &Catalogue, id: &str, status: &str) -> String {
    let (size, checksum, hash) = if status == "active" {
        (
            catalogue.size.to_string(),
            format!("\"{}\"", catalogue.md5),
            format!("\"{}\"", catalogue.sha512),
        )
    } else {
        ("null".into(), "null".into(), "null".into())
    };
    format!(
        r#"{{"name":"bench-{id}","disk_format":"raw","container_format":"bare","visibility":"private","size":{size},"virtual_size":null,"status":"{status}","checksum":{checksum},"protected":false,"min_ram":0,"min_disk":0,"owner":"0f3c2b1e9d8a4c7b8e6f5a4b3c2d1e0f","os_hidden":false,"os_hash_algo":"sha512","os_hash_value":{hash},"id":"{id}","created_at":"2026-11-23T01:00:00Z","updated_at":"2026-11-23T01:00:00Z","tags":["bench-seed"],"description":"an image of the benchmark catalogue","self":"/v2/images/{id}","file":"/v2/images/{id}/file","schema":"/v2/schemas/image","stores":"fs"}}"#
    )
}

/// One page of the catalogue after `marker`, `limit` images long (25 by default).
fn listing(catalogue: &Catalogue, query: &str) -> String {
    let mut limit = 25usize;
    let mut start = 0usize;
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("limit", v)) => limit = v.parse().unwrap_or(25).clamp(1, 1000),
            Some(("marker", v)) => {
                let n = u64::from_str_radix(&v.replace('-', ""), 16).unwrap_or(0);
                start = usize::try_from(n).unwrap_or(usize::MAX).saturating_add(1);
            }
            _ => {}
        }
    }
    let end = catalogue.images.min(start.saturating_add(limit));
    let mut body = String::with_capacity((end.saturating_sub(start) + 1) * 1100);
    body.push_str(r#"{"images":["#);
    for n in start..end {
        if n > start {
            body.push(',');
        }
        body.push_str(&image_json(catalogue, &uuid(n as u64), "active"));
    }
    body.push_str("],");
    if end < catalogue.images && end > start {
        body.push_str(&format!(
            r#""next":"/v2/images?limit={limit}&marker={}","#,
            uuid(end as u64 - 1)
        ));
    }
    body.push_str(r#""first":"/v2/images","schema":"/v2/schemas/images"}"#);
    body
}

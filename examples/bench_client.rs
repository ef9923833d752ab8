//! The Rust side of `scripts/bench`: one timed operation through the library,
//! reported as one JSON line (`op_s` wall seconds and `cpu_s` user+system
//! seconds of the operation alone, after authentication).
//!
//! ```text
//! bench_client download IMAGE_ID FILE|- [--no-verify]
//! bench_client upload FILE [--no-verify] [--chunked|--content-length]   (creates, uploads, then deletes)
//! bench_client list PAGE_SIZE
//! bench_client gets IDS_FILE                            (one GET per line, in order)
//! ```
//!
//! With `BENCH_ENDPOINT` and `BENCH_TOKEN` set it talks to that endpoint with
//! that token (the bench server); otherwise it authenticates from the `OS_*`
//! environment like any application.

use std::time::{Duration, Instant};

use glance_client::{
    auth::Service,
    image_data::{DownloadOptions, Framing, UploadData, UploadOptions},
    Client, CreateImage, ListOptions,
};

/// User plus system CPU time this process has used so far.
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes into the zeroed struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let seconds = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

fn client() -> Result<Client, glance_client::Error> {
    match (
        std::env::var("BENCH_ENDPOINT"),
        std::env::var("BENCH_TOKEN"),
    ) {
        (Ok(endpoint), Ok(token)) => Client::builder().endpoint(endpoint).token(token).build(),
        _ => {
            let client = Client::from_env()?;
            // Authenticate and find the endpoint before the clock starts,
            // as the peers are measured.
            client.endpoint_url(Service::Image)?;
            Ok(client)
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let positional: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .collect();
    let client = client()?;
    let extra;
    let (started, cpu_before) = (Instant::now(), cpu_time());
    let mut after_clock = None;
    match positional.as_slice() {
        ["download", id, file] => {
            let options = DownloadOptions {
                skip_verification: flag("--no-verify"),
                restart: true,
                ..Default::default()
            };
            // `-` discards the data: the RSS rows of a 4 GiB download need no 4 GiB file.
            let done = if *file == "-" {
                client.download_image(id, &mut std::io::sink(), options)?
            } else {
                client.download_image_to_file(id, file, options)?
            };
            extra = format!(r#","bytes":{}"#, done.bytes);
        }
        ["upload", file] => {
            let image = client.create_image(&CreateImage {
                name: Some("bench-upload".into()),
                disk_format: Some("raw".into()),
                container_format: Some("bare".into()),
                ..Default::default()
            })?;
            let options = UploadOptions {
                framing: if flag("--chunked") {
                    Framing::Chunked
                } else if flag("--content-length") {
                    Framing::ContentLength
                } else {
                    Framing::Auto
                },
                skip_verification: flag("--no-verify"),
                ..Default::default()
            };
            let uploaded = client.upload_image(&image.id, UploadData::file(file), options)?;
            extra = format!(r#","bytes":{}"#, uploaded.size.unwrap_or(0));
            after_clock = Some(image.id);
        }
        ["list", page_size] => {
            let options = ListOptions {
                limit: Some(page_size.parse()?),
                ..Default::default()
            };
            let mut count = 0u64;
            for image in client.images(&options) {
                image?;
                count += 1;
            }
            extra = format!(r#","count":{count}"#);
        }
        ["gets", ids_file] => {
            let ids = std::fs::read_to_string(ids_file)?;
            let mut latencies = Vec::new();
            for id in ids.lines().filter(|l| !l.is_empty()) {
                let before = Instant::now();
                client.get_image(id)?;
                latencies.push(before.elapsed().as_secs_f64() * 1e3);
            }
            latencies.sort_by(f64::total_cmp);
            let median = latencies.get(latencies.len() / 2).copied().unwrap_or(0.0);
            extra = format!(r#","count":{},"median_ms":{median:.3}"#, latencies.len());
        }
        _ => {
            eprintln!("usage: see the comment at the top of examples/bench_client.rs");
            std::process::exit(2);
        }
    }
    let (op, cpu) = (started.elapsed(), cpu_time() - cpu_before);
    if let Some(id) = after_clock {
        client.delete_image(&id)?;
    }
    println!(
        r#"{{"op_s":{:.4},"cpu_s":{:.4}{extra}}}"#,
        op.as_secs_f64(),
        cpu.as_secs_f64()
    );
    Ok(())
}

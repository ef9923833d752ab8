//! Moves one image's data up or down and prints the throughput: the tool
//! behind the transfer figures in the crate's notes.
//!
//! ```text
//! cargo run --release --example transfer -- upload FILE [--chunked] [--no-verify]
//! cargo run --release --example transfer -- download IMAGE_ID FILE [--no-verify]
//! ```
//!
//! Authentication comes from the `OS_*` environment (or `OS_CLOUD`). An
//! upload creates a `raw` image and prints its id; the caller deletes it.

use std::time::Instant;

use glance_client::{
    image_data::{DownloadOptions, Framing, UploadData, UploadOptions},
    Client, CreateImage,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let positional: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .map(String::as_str)
        .collect();
    let client = Client::from_env()?;
    let started = Instant::now();
    let bytes = match positional.as_slice() {
        ["upload", file] => {
            let image = client.create_image(&CreateImage {
                name: Some("transfer-example".into()),
                disk_format: Some("raw".into()),
                container_format: Some("bare".into()),
                ..Default::default()
            })?;
            let options = UploadOptions {
                framing: if flag("--chunked") {
                    Framing::Chunked
                } else {
                    Framing::Auto
                },
                skip_verification: flag("--no-verify"),
                ..Default::default()
            };
            let uploaded = client.upload_image(&image.id, UploadData::file(file), options)?;
            println!("image {}", uploaded.id);
            uploaded.size.unwrap_or(0)
        }
        ["download", id, file] => {
            let options = DownloadOptions {
                skip_verification: flag("--no-verify"),
                restart: true,
                ..Default::default()
            };
            client.download_image_to_file(id, file, options)?.bytes
        }
        _ => {
            eprintln!("usage: transfer upload FILE [--chunked] [--no-verify]");
            eprintln!("       transfer download IMAGE_ID FILE [--no-verify]");
            std::process::exit(2);
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{bytes} bytes in {seconds:.2} s: {:.0} MB/s",
        bytes as f64 / seconds / 1e6
    );
    Ok(())
}

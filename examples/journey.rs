//! Exports an image into a container or copies it to another region, with a
//! progress line: the tool behind the peak-memory figures of the journeys
//! (run it under `/usr/bin/time -v`).
//!
//! ```text
//! cargo run --release --example journey -- export IMAGE_ID CONTAINER [SEGMENT_MIB]
//! cargo run --release --example journey -- copy IMAGE_ID TARGET_REGION
//! ```
//!
//! Authentication comes from the `OS_*` environment (or `OS_CLOUD`). The
//! caller deletes what the journey made (the object, the copy).

use std::ops::ControlFlow;
use std::time::Instant;

use glance_client::{
    image_data::Progress,
    workflows::{CopyOptions, ExportOptions},
    Client, ClientBuilder,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let client = Client::from_env()?;
    let started = Instant::now();
    let mut last_percent = None;
    let mut progress = |p: Progress| {
        let percent = p.total.map(|t| p.done * 100 / t.max(1));
        if percent != last_percent {
            eprint!("\r{:?} {} / {:?} bytes", p.phase, p.done, p.total);
            last_percent = percent;
        }
        ControlFlow::Continue(())
    };
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["export", image, container, segment_mib @ ..] => {
            let segment_size = match segment_mib {
                [mib] => Some(mib.parse::<u64>()? << 20),
                _ => None,
            };
            let exported = client.export_image_to_container(
                image,
                &client.object_store(),
                container,
                ExportOptions {
                    segment_size,
                    progress: Some(&mut progress),
                    ..Default::default()
                },
            )?;
            println!(
                "\nexported {} bytes as {} ({} segments)",
                exported.size, exported.object, exported.segments
            );
        }
        ["copy", image, region] => {
            let target = ClientBuilder::from_env()?.region(*region).build()?;
            let copy = client.copy_image_to(
                image,
                &target,
                CopyOptions {
                    progress: Some(&mut progress),
                    ..Default::default()
                },
            )?;
            println!("\ncopied as {} ({:?} bytes)", copy.id, copy.size);
        }
        _ => return Err(
            "usage: journey export IMAGE_ID CONTAINER [SEGMENT_MIB] | copy IMAGE_ID TARGET_REGION"
                .into(),
        ),
    }
    eprintln!("{:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

//! Shell completions and the man page, generated from the command line's
//! own definitions so they never drift from it.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::failure::Failure;

pub fn completion(shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "glancectl", &mut out);
    write(&out)
}

/// `glancectl.1`, with a section for every subcommand.
pub fn man() -> Result<(), Failure> {
    let command = Cli::command();
    let mut out = Vec::new();
    let rendered = clap_mangen::Man::new(command.clone())
        .render(&mut out)
        .and_then(|()| {
            for sub in command.get_subcommands() {
                writeln!(out, ".SH \"GLANCECTL {}\"", sub.get_name().to_uppercase())?;
                let page = clap_mangen::Man::new(
                    sub.clone()
                        .bin_name(format!("glancectl {}", sub.get_name())),
                );
                page.render_description_section(&mut out)?;
                page.render_synopsis_section(&mut out)?;
                page.render_options_section(&mut out)?;
                page.render_subcommands_section(&mut out)?;
            }
            Ok(())
        });
    rendered.map_err(|e| Failure::local(format!("cannot render the man page: {e}")))?;
    write(&out)
}

fn write(bytes: &[u8]) -> Result<(), Failure> {
    std::io::stdout()
        .write_all(bytes)
        .map_err(|e| Failure::local(format!("cannot write the output: {e}")))
}

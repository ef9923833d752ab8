//! `glancectl`: the OpenStack Images API from the shell, with the commands
//! and options of `openstack image`, built on the glance-client library.

mod cli;
mod commands;
mod connect;
mod docs;
mod failure;
mod image_view;
mod output;
mod progress;

use clap::Parser;

use cli::{
    AddCommand, Cli, Command, ImportCommand, MemberCommand, RemoveCommand, StoresCommand,
    TaskCommand,
};
use commands::{images, import, journeys, members, tasks};
use failure::Failure;

fn main() {
    // clap prints usage errors itself and exits with 2.
    let cli = Cli::parse();
    if let Err(failure) = run(cli) {
        eprintln!("glancectl: {failure}");
        std::process::exit(failure.exit_code);
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let format = &cli.format;
    // Commands that need no cloud.
    match &cli.command {
        Command::Completion(args) => return docs::completion(args.shell),
        Command::Man => return docs::man(),
        _ => {}
    }
    let client = connect::client(&cli.global)?;
    match &cli.command {
        Command::List(args) => images::list(&client, args, format),
        Command::Show(args) => images::show(&client, args, format),
        Command::Create(args) => images::create(&client, args, format),
        Command::Set(args) => images::set(&client, args),
        Command::Unset(args) => images::unset(&client, args),
        Command::Delete(args) => images::delete(&client, args),
        Command::Save(args) => images::save(&client, args),
        Command::Add(AddCommand::Project(args)) => members::add_project(&client, args, format),
        Command::Remove(RemoveCommand::Project(args)) => members::remove_project(&client, args),
        Command::Member(MemberCommand::List(args)) => members::list(&client, args, format),
        Command::Stage(args) => import::stage(&client, args),
        Command::Import(args) => match &args.what {
            Some(ImportCommand::Info) => import::info(&client, format),
            Some(ImportCommand::FromContainer(args)) => {
                journeys::from_container(&client, args, format)
            }
            None => import::import(&client, args, format),
        },
        Command::Stores(StoresCommand::List) => import::stores(&client, format),
        Command::Task(TaskCommand::List(args)) => tasks::list(&client, args, format),
        Command::Task(TaskCommand::Show(args)) => tasks::show(&client, args, format),
        Command::Export(args) => journeys::export(&client, args, format),
        Command::Copy(args) => journeys::copy(&client, &cli.global, args, format),
        Command::Completion(_) | Command::Man => Ok(()),
    }
}

//! The `fairdraw` binary. Parses the command line and hands over to the libraries.
#![forbid(unsafe_code)]

mod commands;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = commands::Cli::parse();
    commands::run(cli)
}

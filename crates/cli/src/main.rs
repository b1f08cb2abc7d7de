//! `ketenzicht`: the command line of the ketenzicht processor.

mod accounts;
mod governance;
mod indicators;
mod ingest;
mod inspect;
mod ketendata;
mod quarantine;
mod serve;
mod simulate;
mod validate;

#[global_allocator]
static GLOBAL: ketenzicht_alloc::MiMalloc = ketenzicht_alloc::MiMalloc;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "ketenzicht", version, about = "Ketendata and steering information from iWmo/iJw message traffic")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print each message as one JSON object per line (JSON Lines), mirroring the XML tree.
    Inspect(inspect::Args),
    /// Validate messages at level 1 (XSD) and level 2 (in-message rules); one line per message.
    Validate(validate::Args),
    /// Simulate iWmo/iJw traffic with routing data and ground truth.
    Simulate(simulate::Args),
    /// Ingest message files, directories and archives into the store, exactly once.
    Ingest(ingest::Args),
    /// What ingest could not store, with its reason.
    #[command(subcommand)]
    Quarantine(quarantine::Command),
    /// Write the Ketendata of one gemeente as Parquet or CSV.
    Export(ketendata::ExportArgs),
    /// Simulate a demo year, ingest it, create demo accounts and serve the dashboards.
    Demo(serve::DemoArgs),
    /// Serve the dashboards and the JSON API.
    Serve(serve::ServeArgs),
    /// Manage the accounts of the web server.
    #[command(subcommand)]
    Accounts(accounts::Command),
    /// Rebuild the Ketendata tables from the lake (after a definition changed).
    Rebuild(ketendata::RebuildArgs),
    /// The orders (opdrachten) per gemeente and product, with their history.
    #[command(subcommand)]
    Orders(governance::OrdersCommand),
    /// Delete a gemeente (or one law of it) physically, and destroy its key.
    Delete(governance::DeleteArgs),
    /// Enforce the orders' history deadline and the retention period.
    #[command(subcommand)]
    Retention(governance::RetentionCommand),
    /// Research requests, consent per gemeente, and pseudonymised exports.
    #[command(subcommand)]
    Research(governance::ResearchCommand),
    /// The hash-chained audit log: list and verify.
    #[command(subcommand)]
    Audit(governance::AuditCommand),
    /// Compute the monitor- and steering indicators (terms, retours, process times) as JSON or CSV.
    Indicators(Box<indicators::Args>),
}

fn main() -> ExitCode {
    // Before any thread starts and before memory is taken (see `ketenzicht_alloc`).
    ketenzicht_alloc::keep_freed_memory();
    let small_pages = ketenzicht_alloc::no_transparent_huge_pages();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KETENZICHT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = small_pages {
        tracing::warn!("transparent huge pages stay on for this process (slower on a virtual machine): {e}");
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Ingest(args) => ingest::run(&args),
        Command::Quarantine(command) => quarantine::run(&command),
        Command::Export(args) => ketendata::export(&args),
        Command::Indicators(args) => indicators::run(&args),
        Command::Rebuild(args) => ketendata::rebuild_command(&args),
        Command::Demo(args) => serve::demo(&args),
        Command::Serve(args) => serve::serve(&args),
        Command::Accounts(command) => accounts::run(&command),
        Command::Orders(command) => governance::orders(&command),
        Command::Delete(args) => governance::delete(&args),
        Command::Retention(command) => governance::retention(&command),
        Command::Research(command) => governance::research(&command),
        Command::Audit(command) => governance::audit_command(&command),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("ketenzicht: {err:#}");
            ExitCode::from(2)
        }
    }
}

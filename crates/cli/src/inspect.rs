use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Message files or directories.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

/// One JSON object per message on stdout; unreadable files are reported on stderr and make
/// the exit code 1.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = false;
    ketenzicht_ingest::source::for_each_delivery(&args.paths, |input| -> anyhow::Result<()> {
        if let Some(fout) = &input.fout {
            eprintln!(
                "{}: Fo01 {} for delivery {}: a transport error, not a message",
                input.name, fout.code, fout.cross_ref
            );
            return Ok(());
        }
        let bytes = match input.bytes {
            Ok(bytes) => bytes,
            Err((message, _)) => {
                failed = true;
                eprintln!("{}: {message}", input.name);
                return Ok(());
            }
        };
        match ketenzicht_message::read(&bytes) {
            Ok(message) => {
                serde_json::to_writer(&mut out, &ketenzicht_message::json::to_json(&message))
                    .context("cannot write JSON")?;
                out.write_all(b"\n").context("cannot write output")?;
            }
            Err(err) => {
                failed = true;
                for finding in &err.findings {
                    eprintln!("{}: {finding}", input.name);
                }
            }
        }
        Ok(())
    })?;
    out.flush().context("cannot write output")?;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

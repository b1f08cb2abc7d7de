use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use ketenzicht_message::Finding;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Message files or directories (all .xml files below them).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output: one text line per file, or one JSON object per file.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut invalid = 0usize;
    let stats = ketenzicht_ingest::source::for_each_delivery(&args.paths, |input| -> anyhow::Result<()> {
        // A transport error of the knooppunt is no message: said as such, not judged.
        if let Some(fout) = &input.fout {
            return match args.format {
                Format::Text => writeln!(
                    out,
                    "{}: Fo01 {} ({}), refused delivery {}",
                    input.name, fout.code, fout.omschrijving, fout.cross_ref
                ),
                Format::Json => {
                    let value = serde_json::json!({
                        "file": input.name, "bericht": "Fo01", "valid": true, "findings": [],
                        "transportfout": {"code": fout.code, "omschrijving": fout.omschrijving, "cross_ref": fout.cross_ref},
                    });
                    serde_json::to_writer(&mut out, &value).map_err(std::io::Error::from).and_then(|()| writeln!(out))
                }
            }
            .context("cannot write output");
        }
        let (name, findings) = match input.bytes {
            Err((message, _)) => (None, vec![Finding::new(ketenzicht_message::Level::Xml, "", None, message)]),
            Ok(bytes) => match ketenzicht_message::validate(&bytes) {
                Ok(message) => (Some(message.name()), Vec::new()),
                Err(err) => (None, err.findings),
            },
        };
        if !findings.is_empty() {
            invalid += 1;
        }
        match args.format {
            Format::Text => write_text(&mut out, &input.name, name.as_deref(), &findings),
            Format::Json => write_json(&mut out, &input.name, name.as_deref(), &findings),
        }
        .context("cannot write output")
    })?;
    out.flush().context("cannot write output")?;
    tracing::info!(files = stats.files, invalid, "validated");
    Ok(if invalid > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn write_text(out: &mut impl Write, path: &str, name: Option<&str>, findings: &[Finding]) -> std::io::Result<()> {
    if findings.is_empty() {
        return writeln!(out, "{path}: OK ({})", name.unwrap_or("?"));
    }
    let joined: Vec<String> = findings.iter().map(ToString::to_string).collect();
    writeln!(out, "{path}: {}", joined.join(" | "))
}

fn write_json(out: &mut impl Write, path: &str, name: Option<&str>, findings: &[Finding]) -> std::io::Result<()> {
    let findings: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "level": f.level.as_str(),
                "path": f.path,
                "rule": f.rule,
                "message": f.message,
            })
        })
        .collect();
    let value = serde_json::json!({
        "file": path,
        "bericht": name,
        "valid": findings.is_empty(),
        "findings": findings,
    });
    serde_json::to_writer(&mut *out, &value)?;
    out.write_all(b"\n")
}

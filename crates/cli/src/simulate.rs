use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use chrono::NaiveDate;
use ketenzicht_simulate::{Layout, Options, Scale, Vorm};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScaleArg {
    Demo,
    Regio,
    National,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// demo: 2 regio's, 20 gemeenten, 5% volume; regio: 4 regio's, 55 gemeenten, 20%; national: 342 gemeenten, 100%.
    #[arg(long, value_enum, default_value = "demo")]
    scale: ScaleArg,
    /// First day of the simulated period.
    #[arg(long, default_value = "2023-01-01")]
    from: NaiveDate,
    /// Last day of the simulated period.
    #[arg(long, default_value = "2024-12-31")]
    to: NaiveDate,
    /// The same seed gives byte-identical output.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output directory (messages, routing data, truth).
    #[arg(long)]
    out: PathBuf,
    /// The CBS gemeente list with jeugdzorgregio.
    #[arg(long, default_value = "../shared/istandaarden/referentie/cbs_gemeenten_2026.csv")]
    gemeenten: PathBuf,
    /// loose: one file per message; archive: one .tar.gz per gemeente, law and month
    /// (default: archive for national, loose otherwise).
    #[arg(long, value_enum)]
    layout: Option<LayoutArg>,
    /// Worker threads (default: the number of cores). The output does not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// bericht: the bare messages; stuf: each in its StUF-GGk envelope (Di01/Du01).
    #[arg(long, value_enum, default_value = "bericht")]
    vorm: VormArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VormArg {
    Bericht,
    Stuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LayoutArg {
    Loose,
    Archive,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let options = Options {
        scale: match args.scale {
            ScaleArg::Demo => Scale::Demo,
            ScaleArg::Regio => Scale::Regio,
            ScaleArg::National => Scale::National,
        },
        from: args.from,
        to: args.to,
        seed: args.seed,
        out: args.out.clone(),
        gemeenten_csv: args.gemeenten.clone(),
        layout: match (args.layout, args.scale) {
            (Some(LayoutArg::Loose), _) => Layout::Loose,
            (Some(LayoutArg::Archive), _) | (None, ScaleArg::National) => Layout::Archive,
            (None, _) => Layout::Loose,
        },
        vorm: match args.vorm {
            VormArg::Bericht => Vorm::Bericht,
            VormArg::Stuf => Vorm::Stuf,
        },
        threads: args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
    };
    let bar =
        if std::io::stderr().is_terminal() { indicatif::ProgressBar::new(0) } else { indicatif::ProgressBar::hidden() };
    let started = Instant::now();
    let summary = ketenzicht_simulate::run(&options, |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .with_context(|| format!("simulating into {}", args.out.display()))?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{} gemeenten, {} berichten ({:.1} MB) in {secs:.1} s ({:.0} berichten/s) → {}",
        summary.gemeenten,
        summary.berichten,
        summary.bytes as f64 / 1e6,
        summary.berichten as f64 / secs.max(1e-9),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

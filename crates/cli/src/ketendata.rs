use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use ketenzicht_store::{Store, StoreView};

/// Rebuild the Ketendata tables of these gemeenten.
pub fn rebuild(store: &mut Store, gemeenten: &BTreeSet<String>) -> anyhow::Result<()> {
    if gemeenten.is_empty() {
        return Ok(());
    }
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(gemeenten.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let started = Instant::now();
    let mut berichten = 0;
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let gemeenten: Vec<String> = gemeenten.iter().cloned().collect();
    ketenzicht_ketendata::build_many(store, &gemeenten, threads, &mut |gemeente, summary| {
        bar.set_message(gemeente.to_owned());
        berichten += summary.berichten();
        bar.inc(1);
    })
    .context("building Ketendata")?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "ketendata:            {} gemeenten, {berichten} berichten in {secs:.1} s ({:.0} berichten/s)",
        gemeenten.len(),
        berichten as f64 / secs.max(1e-9)
    );
    Ok(())
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum WetArg {
    Iwmo,
    Ijw,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Parquet,
    Csv,
    /// `;`-separated, UTF-8 with a byte order mark, comma decimals: opens directly in Dutch Excel.
    CsvExcelNl,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The gemeente (CBS code, four digits).
    #[arg(long)]
    gemeente: String,
    /// One law only.
    #[arg(long, value_enum)]
    wet: Option<WetArg>,
    #[arg(long, value_enum, default_value = "parquet")]
    format: FormatArg,
    /// The directory to write to (one file per table).
    #[arg(long)]
    out: PathBuf,
    /// The store directory [default: $KETENZICHT_STORE, else ./data]
    #[arg(long)]
    store: Option<PathBuf>,
}

pub fn export(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let dir = ketenzicht_store::store_dir(args.store.as_deref());
    // Read beside a writer: no lock, and the server's caches stay valid.
    let store = StoreView::open(&dir).with_context(|| format!("opening the store {}", dir.display()))?;
    if !store.ledger.gemeenten()?.contains(&args.gemeente) {
        anyhow::bail!("gemeente {} has no data in the store {}", args.gemeente, dir.display());
    }
    let asked = args.wet.map(|w| match w {
        WetArg::Iwmo => ketenzicht_message::Wet::IWmo,
        WetArg::Ijw => ketenzicht_message::Wet::IJw,
    });
    // Only the laws the gemeente ordered Ketendata for.
    let governance = ketenzicht_governance::Governance::open(&dir)?;
    let ordered: Vec<ketenzicht_message::Wet> = governance
        .onderdelen(ketenzicht_web::now().date())?
        .get(&args.gemeente)
        .and_then(|parts| parts.get(ketenzicht_governance::KETENDATA))
        .map(|w| w.iter().copied().collect())
        .unwrap_or_default();
    let wet = match (asked, ordered.as_slice()) {
        (_, []) => {
            anyhow::bail!("gemeente {} has no order for Ketendata (see `ketenzicht orders list`)", args.gemeente)
        }
        (Some(w), _) if !ordered.contains(&w) => {
            anyhow::bail!("gemeente {} has no order for Ketendata {}", args.gemeente, w.as_str())
        }
        (Some(w), _) => Some(w),
        (None, [only]) => Some(*only),
        (None, _) => None,
    };
    let format = match args.format {
        FormatArg::Parquet => ketenzicht_ketendata::Format::Parquet,
        FormatArg::Csv => ketenzicht_ketendata::Format::Csv,
        FormatArg::CsvExcelNl => ketenzicht_ketendata::Format::CsvExcelNl,
    };
    let written = ketenzicht_ketendata::export(&store.lake(), &args.gemeente, wet, format, &args.out)?;
    for (path, rows) in &written {
        println!("{:>9} rijen  {}", rows, path.display());
    }
    crate::governance::audit(
        &dir,
        ketenzicht_audit::Actie::Export,
        &format!("ketendata {}", args.gemeente),
        serde_json::json!({"wet": wet.map(|w| w.as_str()), "bestanden": written.len()}),
    )?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Args)]
pub struct RebuildArgs {
    /// Only these gemeenten (CBS code; repeat for more). Default: every gemeente in the store.
    #[arg(long)]
    gemeente: Vec<String>,
    /// The store directory [default: $KETENZICHT_STORE, else ./data]
    #[arg(long)]
    store: Option<PathBuf>,
}

/// Rebuild Ketendata from the lake, for example after a definition changed.
pub fn rebuild_command(args: &RebuildArgs) -> anyhow::Result<ExitCode> {
    let dir = ketenzicht_store::store_dir(args.store.as_deref());
    let mut store = Store::open(&dir).with_context(|| format!("opening the store {}", dir.display()))?;
    let present = store.ledger.gemeenten()?;
    for g in &args.gemeente {
        if !present.contains(g) {
            anyhow::bail!("gemeente {g} has no data in the store {}", dir.display());
        }
    }
    let chosen: BTreeSet<String> =
        if args.gemeente.is_empty() { present.into_iter().collect() } else { args.gemeente.iter().cloned().collect() };
    rebuild(&mut store, &chosen)?;
    Ok(ExitCode::SUCCESS)
}

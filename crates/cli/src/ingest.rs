use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use ketenzicht_store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Message files, directories (with their routing data) and `.tar.gz` archives.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The store directory [default: $KETENZICHT_STORE, else ./data]
    #[arg(long)]
    store: Option<PathBuf>,
    /// Commit a batch each time this many megabytes of messages are buffered.
    #[arg(long, default_value_t = 128)]
    batch_mb: usize,
    /// Do not rebuild the Ketendata tables of the gemeenten with new data.
    #[arg(long)]
    no_ketendata: bool,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let dir = ketenzicht_store::store_dir(args.store.as_deref());
    let mut store = Store::open(&dir).with_context(|| format!("opening the store {}", dir.display()))?;
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} berichten gelezen ({per_sec}) {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    // Only traffic under an order in force today is stored; the rest is counted.
    let toelating = ketenzicht_governance::Governance::open(&dir)?.toelating(ketenzicht_web::now().date())?;
    let options = ketenzicht_ingest::Options { batch_bytes: args.batch_mb.max(1) * 1024 * 1024, toelating };
    let summary = ketenzicht_ingest::ingest(&mut store, &args.paths, options, &|n| bar.set_position(n))?;
    bar.finish_and_clear();
    println!("bestanden:            {}", summary.files);
    println!("leveringen gelezen:   {}", summary.deliveries);
    println!("nieuwe berichten:     {}", summary.nieuw);
    for (name, n) in &summary.per_type {
        println!("  {name:<8} {n:>12}");
    }
    println!("dubbel geleverd:      {}", summary.dubbel);
    println!("al in de store:       {}", summary.al_bekend);
    println!("conflicten:           {}", summary.conflicten);
    println!("in quarantaine:       {}", summary.quarantaine);
    println!("transport afgewezen:  {}", summary.transport_afgewezen);
    println!("transportfouten Fo01: {}", summary.fo01);
    if summary.zonder_opdracht > 0 {
        println!(
            "zonder opdracht:      {} (geteld, inhoud niet bewaard; zie `ketenzicht orders unordered`)",
            summary.zonder_opdracht
        );
    }
    if summary.routing_without_file > 0 {
        println!("routing zonder bestand: {}", summary.routing_without_file);
    }
    println!(
        "tijd:                 {:.1} s ({:.0} berichten/s, {} batches)",
        summary.elapsed.as_secs_f64(),
        summary.per_second(),
        summary.batches
    );
    if !args.no_ketendata {
        // Every gemeente with new data since its last build, also from an interrupted run.
        let stale = store.ledger.verouderd()?.into_iter().collect();
        crate::ketendata::rebuild(&mut store, &stale)?;
    }
    Ok(ExitCode::SUCCESS)
}

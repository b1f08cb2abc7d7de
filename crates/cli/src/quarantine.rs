use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use ketenzicht_store::StoreView;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List quarantined input: when, what kind, the source, the element path, the rule and the reason.
    List {
        /// The store directory [default: $KETENZICHT_STORE, else ./data]
        #[arg(long)]
        store: Option<PathBuf>,
        /// JSON Lines instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List the knooppunt's transport errors (Fo01): when, the refused delivery's UUID, the IB
    /// code and text, and its gemeente, or `-` while that delivery is not in the store.
    Transport {
        /// The store directory [default: $KETENZICHT_STORE, else ./data]
        #[arg(long)]
        store: Option<PathBuf>,
        /// JSON Lines instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write the original bytes of one quarantine entry (its `bestand`, as `list` shows it) to
    /// standard output. They are kept sealed with the gemeente's key.
    Original {
        /// The `bestand` of the entry: `quarantaine/G/<sha256>.bin`.
        bestand: String,
        /// The store directory [default: $KETENZICHT_STORE, else ./data]
        #[arg(long)]
        store: Option<PathBuf>,
    },
}

pub fn run(command: &Command) -> anyhow::Result<ExitCode> {
    let (store, json) = match command {
        Command::List { store, json } => (store, *json),
        Command::Original { bestand, store } => return original(bestand, store.as_deref()),
        Command::Transport { store, json } => return transport(store.as_deref(), *json),
    };
    let dir = ketenzicht_store::store_dir(store.as_deref());
    let store = StoreView::open(&dir).with_context(|| format!("opening the store {}", dir.display()))?;
    let rows = store.ledger.quarantaine()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for q in &rows {
        if json {
            let value = serde_json::json!({
                "tijdstip": q.tijdstip, "soort": q.soort, "bron": q.bron, "gemeente": q.gemeente,
                "pad": q.pad, "regel": q.regel, "reden": q.reden, "bestand": q.bestand, "transport": q.transport,
            });
            writeln!(out, "{value}")?;
        } else {
            let mut line = format!("{} {} {}", q.tijdstip, q.soort, q.bron);
            if let Some(pad) = &q.pad {
                line.push_str(&format!(" at {pad}"));
            }
            if let Some(regel) = &q.regel {
                line.push_str(&format!(" [{regel}]"));
            }
            if let Some(t) = &q.transport {
                line.push_str(&format!(" (transport {t})"));
            }
            writeln!(out, "{line}: {} → {}", q.reden, q.bestand)?;
        }
    }
    out.flush()?;
    if !json {
        eprintln!("{} in quarantaine", rows.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn transport(store: Option<&std::path::Path>, json: bool) -> anyhow::Result<ExitCode> {
    let dir = ketenzicht_store::store_dir(store);
    let store = StoreView::open(&dir).with_context(|| format!("opening the store {}", dir.display()))?;
    let rows = store.ledger.transportfouten_alle()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (tijdstip, uuid, code, omschrijving, details, bron, gemeente) in &rows {
        if json {
            let value = serde_json::json!({
                "tijdstip": tijdstip, "uuid": uuid, "code": code, "omschrijving": omschrijving,
                "details": details, "bron": bron, "gemeente": gemeente,
            });
            writeln!(out, "{value}")?;
        } else {
            let gemeente = gemeente.as_deref().unwrap_or("-");
            let details = details.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
            writeln!(out, "{tijdstip} {code} {gemeente} {uuid}{details}: {omschrijving} ← {bron}")?;
        }
    }
    out.flush()?;
    if !json {
        let open = rows.iter().filter(|r| r.6.is_none()).count();
        eprintln!("{} transportfouten (Fo01), {open} zonder bekende levering", rows.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn original(bestand: &str, store: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let dir = ketenzicht_store::store_dir(store);
    let store = StoreView::open(&dir).with_context(|| format!("opening the store {}", dir.display()))?;
    let Some(entry) = store.ledger.quarantaine()?.into_iter().find(|q| q.bestand == bestand) else {
        anyhow::bail!("no quarantine entry with bestand {bestand:?} (see `ketenzicht quarantine list`)");
    };
    let bytes = store.lake().quarantaine_original(entry.gemeente.as_deref(), &entry.bestand)?;
    std::io::stdout().lock().write_all(&bytes)?;
    Ok(ExitCode::SUCCESS)
}

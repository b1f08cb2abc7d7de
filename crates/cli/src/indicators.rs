//! `ketenzicht indicators`: compute the indicators over a scope and write them as JSON or CSV.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use ketenzicht_calendar::{Calendar, CalendarConfig, Feestdag};
use ketenzicht_gemeenten::Gemeenten;
use ketenzicht_indicators::{Dim, Filter, Options, defs};
use ketenzicht_store::StoreView;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Json,
    Csv,
    /// `;`-separated, UTF-8 with a byte order mark, comma decimals: opens directly in Dutch Excel.
    CsvExcelNl,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store directory [default: $KETENZICHT_STORE, else ./data]
    #[arg(long)]
    store: Option<PathBuf>,
    /// Only these gemeenten (CBS code; repeat for more). Default: every gemeente in the store.
    #[arg(long, conflicts_with = "regio")]
    gemeente: Vec<String>,
    /// Only the members of this jeugdzorgregio (as named in the CBS list).
    #[arg(long)]
    regio: Option<String>,
    /// Leave out items dated before this day (YYYY-MM-DD). Open lists are not limited by it.
    #[arg(long)]
    from: Option<NaiveDate>,
    /// The peildatum: the end of the period, at which terms are judged [default: today].
    #[arg(long)]
    to: Option<NaiveDate>,
    /// Only these indicators (repeat for more); `--list` shows the ids.
    #[arg(long = "indicator")]
    indicators: Vec<String>,
    /// Group by these dimensions, comma-separated: gemeente, regio, wet, aanbieder, bericht,
    /// productcategorie, maand, week, klasse.
    #[arg(long, default_value = "gemeente,wet,maand", value_delimiter = ',')]
    per: Vec<String>,
    /// Only this law (iWmo or iJw).
    #[arg(long)]
    wet: Option<String>,
    /// Only this aanbieder (AGB code).
    #[arg(long)]
    aanbieder: Option<String>,
    /// Only this product category.
    #[arg(long)]
    productcategorie: Option<String>,
    /// Only items of this message type (JW301, WMO305, …).
    #[arg(long)]
    bericht: Option<String>,
    /// Only retourcodes of this class (Header, Client, …).
    #[arg(long)]
    klasse: Option<String>,
    /// Also write the underlying items (drill-down to trajecten and messages).
    #[arg(long)]
    items: bool,
    #[arg(long, value_enum, default_value = "json")]
    format: FormatArg,
    /// Write to this file instead of standard output (with --items and CSV: the items go to
    /// FILE with `-items` before the extension).
    #[arg(long)]
    out: Option<PathBuf>,
    /// An extra non-working day (YYYY-MM-DD), for example a Royal-Decree day; repeat for more.
    #[arg(long = "extra-vrije-dag")]
    extra_vrije_dagen: Vec<NaiveDate>,
    /// An Atw holiday that does not count (nieuwjaarsdag, goede-vrijdag, tweede-paasdag,
    /// koningsdag, bevrijdingsdag, hemelvaartsdag, tweede-pinksterdag, eerste-kerstdag,
    /// tweede-kerstdag); repeat for more.
    #[arg(long = "geen-feestdag")]
    geen_feestdagen: Vec<String>,
    /// The CBS list of gemeenten with their jeugdzorgregio.
    #[arg(long, default_value = ketenzicht_gemeenten::DEFAULT_PATH)]
    gemeenten: PathBuf,
    /// List the indicators with their definitions and stop.
    #[arg(long)]
    list: bool,
}

/// Today's date (UTC).
fn today() -> NaiveDate {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(0), 0).map_or(NaiveDate::MIN, |t| t.date_naive())
}

fn calendar(args: &Args) -> anyhow::Result<Calendar> {
    let mut config = CalendarConfig::default();
    for id in &args.geen_feestdagen {
        let f = Feestdag::from_id(id).with_context(|| {
            let ids: Vec<&str> = Feestdag::ALL.iter().map(|f| f.id()).collect();
            format!("unknown holiday {id:?}; the holidays are {}", ids.join(", "))
        })?;
        config.exclude.push(f);
    }
    config.extra = args.extra_vrije_dagen.iter().map(|d| (*d, "extra vrije dag".to_owned())).collect();
    Ok(Calendar::new(config))
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if args.list {
        for d in defs::ALLE {
            println!("{:<32} {:<8} {:<24} {}\n{:>33}{}\n", d.id, d.soort.as_str(), d.regel, d.naam, "", d.definitie);
        }
        return Ok(ExitCode::SUCCESS);
    }
    // The CBS list is needed only for regio's.
    let needs_regio = args.regio.is_some() || args.per.iter().any(|p| p == "regio");
    let gemeenten = if needs_regio {
        Gemeenten::load(&args.gemeenten).context("the regio's come from the CBS list; pass it with --gemeenten")?
    } else {
        Gemeenten::default()
    };
    let dir = ketenzicht_store::store_dir(args.store.as_deref());
    // Read beside a writer: no lock, and the server's caches stay valid.
    let store = StoreView::open(&dir).with_context(|| format!("opening the store {}", dir.display()))?;
    let present = store.ledger.gemeenten()?;
    let scope: Vec<String> = if let Some(regio) = &args.regio {
        let leden = gemeenten.leden(regio);
        if leden.is_empty() {
            anyhow::bail!("unknown regio {regio:?}; the jeugdzorgregio's are: {}", gemeenten.regios().join(", "));
        }
        leden.into_iter().filter(|g| present.iter().any(|p| p == g)).map(str::to_owned).collect()
    } else if args.gemeente.is_empty() {
        present.clone()
    } else {
        for g in &args.gemeente {
            if !present.contains(g) {
                anyhow::bail!("gemeente {g} has no data in the store {}", dir.display());
            }
        }
        args.gemeente.clone()
    };
    let mut indicators = Vec::new();
    for id in &args.indicators {
        let ids: Vec<&str> = defs::ALLE.iter().map(|d| d.id).collect();
        indicators.push(
            defs::by_id(id)
                .with_context(|| format!("unknown indicator {id:?}; the indicators are {}", ids.join(", ")))?,
        );
    }
    let mut per = Vec::new();
    for name in args.per.iter().filter(|n| !n.is_empty()) {
        let names: Vec<&str> = Dim::ALL.iter().map(|d| d.name()).collect();
        per.push(
            Dim::parse(name)
                .with_context(|| format!("unknown dimension {name:?}; the dimensions are {}", names.join(", ")))?,
        );
    }
    let options = Options {
        van: args.from,
        peildatum: args.to.unwrap_or_else(today),
        indicators,
        per,
        filter: Filter {
            wet: args.wet.clone(),
            aanbieder: args.aanbieder.clone(),
            productcategorie: args.productcategorie.clone(),
            bericht: args.bericht.clone(),
            klasse: args.klasse.clone(),
        },
        items: args.items,
        calendar: calendar(args)?,
    };
    let source = ketenzicht_indicators::Source::for_options(store.lake(), &store.ledger, &options)?;
    let report = ketenzicht_indicators::compute_from(&source, &gemeenten, &scope, &options, usize::MAX)?;
    let write = |path: Option<&PathBuf>, f: &dyn Fn(&mut dyn Write) -> std::io::Result<()>| -> anyhow::Result<()> {
        match path {
            Some(p) => {
                let file = std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?;
                let mut w = std::io::BufWriter::new(file);
                f(&mut w).and_then(|()| w.flush()).with_context(|| format!("writing {}", p.display()))
            }
            None => {
                let mut w = std::io::BufWriter::new(std::io::stdout().lock());
                f(&mut w).and_then(|()| w.flush()).context("writing to standard output")
            }
        }
    };
    match args.format {
        FormatArg::Json => {
            write(args.out.as_ref(), &|mut w| ketenzicht_indicators::output::write_json(&mut w, &report))?
        }
        FormatArg::Csv | FormatArg::CsvExcelNl => {
            let excel = matches!(args.format, FormatArg::CsvExcelNl);
            write(args.out.as_ref(), &|mut w| ketenzicht_indicators::output::write_csv(&mut w, &report, excel))?;
            if args.items {
                let items_path = args.out.as_ref().map(|p| {
                    let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    let ext = p.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
                    p.with_file_name(format!("{stem}-items{ext}"))
                });
                write(items_path.as_ref(), &|mut w| {
                    ketenzicht_indicators::output::write_items_csv(&mut w, &report, excel)
                })?;
            }
        }
    }
    // The process ends here: freeing a national report row by row would only cost time.
    std::mem::forget(report);
    Ok(ExitCode::SUCCESS)
}

//! `ketenzicht serve` and `ketenzicht demo`: the web server, and everything a newcomer needs
//! to see it (simulate a demo year, ingest it, create demo accounts, serve).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::Datelike;
use ketenzicht_accounts::{Accounts, Rol};
use ketenzicht_gemeenten::Gemeenten;
use ketenzicht_store::Store;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The store directory [default: $KETENZICHT_STORE, else ./data]
    #[arg(long)]
    store: Option<PathBuf>,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// The CBS list of gemeenten with their jeugdzorgregio.
    #[arg(long, default_value = ketenzicht_gemeenten::DEFAULT_PATH)]
    gemeenten: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Where the demo keeps its traffic and store.
    #[arg(long, default_value = "demo")]
    dir: PathBuf,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The CBS list of gemeenten with their jeugdzorgregio.
    #[arg(long, default_value = ketenzicht_gemeenten::DEFAULT_PATH)]
    gemeenten: PathBuf,
    /// Prepare everything, print the accounts, and stop without serving.
    #[arg(long)]
    no_serve: bool,
    /// How many months of traffic to simulate, up to today.
    #[arg(long, default_value_t = 12)]
    maanden: u32,
}

/// The demo accounts: (name, password, role).
pub fn demo_accounts() -> [(&'static str, &'static str, Rol); 3] {
    [
        ("groningen", "demo-groningen-2026", Rol::Gemeente("0014".into())),
        ("haaglanden", "demo-haaglanden-2026", Rol::Regio("Haaglanden".into())),
        ("beheerder", "demo-beheerder-2026", Rol::Beheerder),
    ]
}

fn run_server(
    store: &Path,
    gemeenten: Gemeenten,
    bind: SocketAddr,
    banner: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let state = ketenzicht_web::AppState::open(store, gemeenten)
        .with_context(|| format!("opening the store {} for serving", store.display()))?;
    // Retention runs at start and then daily, as the store's writer; while another process
    // writes (an ingest), it tries again ten minutes later.
    let retention_state = state.clone();
    std::thread::Builder::new()
        .name("bewaartermijn".into())
        .spawn(move || {
            loop {
                let today = ketenzicht_web::now().date();
                let wait = match retention_state.with_writer(|s| crate::governance::run_retention(s, today, "systeem"))
                {
                    Ok(Some(Ok(lines))) => {
                        lines.iter().for_each(|l| tracing::warn!(%l, "retention"));
                        24 * 60 * 60
                    }
                    Ok(Some(Err(e))) => {
                        tracing::error!(error = %e, "retention run failed");
                        24 * 60 * 60
                    }
                    Ok(None) => {
                        tracing::info!("retention run postponed: another process writes the store");
                        10 * 60
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "retention run: the store could not be opened");
                        10 * 60
                    }
                };
                std::thread::sleep(std::time::Duration::from_secs(wait));
            }
        })
        .context("starting the retention thread")?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(ketenzicht_web::serve(state, bind, banner)).with_context(|| format!("serving on {bind}"))
}

pub fn serve(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let gemeenten = Gemeenten::load(&args.gemeenten)?;
    let dir = ketenzicht_store::store_dir(args.store.as_deref());
    run_server(&dir, gemeenten, args.bind, |addr| println!("ketenzicht luistert op http://{addr}/ (Ctrl-C stopt)"))?;
    Ok(ExitCode::SUCCESS)
}

/// Every demo gemeente (a folder of the simulated traffic) orders every standard product,
/// given before any deadline, so all its history is admitted.
fn demo_orders(
    store: &std::path::Path,
    berichten: &std::path::Path,
    today: chrono::NaiveDate,
) -> anyhow::Result<ketenzicht_governance::Toelating> {
    let governance = ketenzicht_governance::Governance::open(store)?;
    let mut gemeenten: Vec<String> = std::fs::read_dir(berichten)
        .with_context(|| format!("reading {}", berichten.display()))?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| ketenzicht_governance::check_gemeente(n).is_ok())
        .collect();
    gemeenten.sort();
    let ordered = governance.ordered_products(today)?;
    for g in &gemeenten {
        for (product, ..) in ketenzicht_governance::STANDAARD_PRODUCTEN {
            if !ordered.get(g).is_some_and(|p| p.contains(product)) {
                let van = today - chrono::Months::new(24);
                governance.record(
                    g,
                    product,
                    ketenzicht_governance::Soort::Aanmelding,
                    van,
                    "demo",
                    "demo-opdracht",
                    "demo",
                    ketenzicht_web::now(),
                )?;
            }
        }
    }
    Ok(governance.toelating(today)?)
}

pub fn demo(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let gemeenten = Gemeenten::load(&args.gemeenten)?;
    let verkeer = args.dir.join("verkeer");
    let store_dir = args.dir.join("store");
    let today = ketenzicht_web::now().date();
    if !verkeer.join("truth").exists() {
        let from = today.with_day(1).unwrap_or(today) - chrono::Months::new(args.maanden.max(1));
        println!("1/3 verkeer simuleren: demo-schaal, {from} t/m {today} → {}", verkeer.display());
        let options = ketenzicht_simulate::Options {
            scale: ketenzicht_simulate::Scale::Demo,
            from,
            to: today,
            seed: args.seed,
            out: verkeer.clone(),
            gemeenten_csv: args.gemeenten.clone(),
            layout: ketenzicht_simulate::Layout::Loose,
            vorm: ketenzicht_simulate::Vorm::Bericht,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        let summary = ketenzicht_simulate::run(&options, |_, _| {}).context("simulating the demo traffic")?;
        println!("    {} berichten voor {} gemeenten", summary.berichten, summary.gemeenten);
    } else {
        println!("1/3 verkeer staat al klaar in {}", verkeer.display());
    }
    {
        let mut store = Store::open(&store_dir).with_context(|| format!("opening {}", store_dir.display()))?;
        println!("2/3 opdrachten vastleggen en inlezen in {}", store_dir.display());
        let toelating = demo_orders(&store_dir, &verkeer.join("berichten"), today)?;
        let options = ketenzicht_ingest::Options { toelating, ..Default::default() };
        let summary = ketenzicht_ingest::ingest(&mut store, std::slice::from_ref(&verkeer), options, &|_| {})?;
        println!("    {} nieuwe berichten, {} in quarantaine", summary.nieuw, summary.quarantaine);
        let stale = store.ledger.verouderd()?.into_iter().collect();
        crate::ketendata::rebuild(&mut store, &stale)?;
    }
    let accounts = Accounts::open(&store_dir.join("ketenzicht.sqlite"))?;
    for (naam, wachtwoord, rol) in demo_accounts() {
        if accounts.find(naam)?.is_none() {
            accounts.add(naam, wachtwoord, &rol, ketenzicht_web::now())?;
        }
    }
    drop(accounts);
    let serving = !args.no_serve;
    let shown = store_dir.display().to_string();
    let print_accounts = move |addr: SocketAddr| {
        if serving {
            println!("3/3 ketenzicht draait op http://{addr}/  (Ctrl-C stopt)");
        } else {
            println!("3/3 klaar; start de server met: ketenzicht serve --store {shown} --bind {addr}");
        }
        println!();
        println!("    demo-accounts (gebruikersnaam / wachtwoord):");
        for (naam, wachtwoord, rol) in demo_accounts() {
            let scope = match &rol {
                Rol::Gemeente(g) => format!("gemeente {g}"),
                Rol::Regio(r) => format!("regio {r}"),
                Rol::Beheerder => "beheer, geen cliëntgegevens".to_owned(),
            };
            println!("      {naam:<11} {wachtwoord:<22} {scope}");
        }
    };
    if args.no_serve {
        print_accounts(args.bind);
        return Ok(ExitCode::SUCCESS);
    }
    run_server(&store_dir, gemeenten, args.bind, print_accounts)?;
    Ok(ExitCode::SUCCESS)
}

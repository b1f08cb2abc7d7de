//! `orders`, `delete`, `retention`, `research` and `audit`: the processor's governance on the
//! command line. Every change is written to the audit log with the operating-system user as
//! the actor (`cli:<user>`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use ketenzicht_audit::{Actie, AuditLog, Gebeurtenis};
use ketenzicht_governance::{Governance, Soort};
use ketenzicht_message::Wet;
use ketenzicht_store::Store;
// One clock for the server and the command line, so the audit log has one time zone (UTC).
use ketenzicht_web::now;

#[derive(Debug, clap::Args)]
pub struct StoreArg {
    /// The store directory [default: $KETENZICHT_STORE, else ./data]
    #[arg(long)]
    store: Option<PathBuf>,
}

impl StoreArg {
    fn dir(&self) -> PathBuf {
        ketenzicht_store::store_dir(self.store.as_deref())
    }
}

/// The actor of command-line changes.
pub fn actor() -> String {
    format!("cli:{}", std::env::var("USER").unwrap_or_else(|_| "onbekend".into()))
}

/// Record one command-line change in the audit log of the store at `dir`.
pub fn audit(dir: &Path, actie: Actie, object: &str, detail: serde_json::Value) -> anyhow::Result<()> {
    append(&AuditLog::open(dir)?, &actor(), actie, object, detail)
}

fn append(log: &AuditLog, actor: &str, actie: Actie, object: &str, detail: serde_json::Value) -> anyhow::Result<()> {
    log.append(&Gebeurtenis { actor, scope: "-", actie, object, detail }, now())?;
    Ok(())
}

#[derive(Debug, clap::Subcommand)]
pub enum OrdersCommand {
    /// The products a gemeente can order.
    Products(StoreArg),
    /// The orders with their periods.
    List(StoreArg),
    /// Every recorded mutation (aanmelding, mutatie, beëindiging), oldest first.
    History {
        #[command(flatten)]
        store: StoreArg,
        #[arg(long)]
        gemeente: Option<String>,
    },
    /// Record an order (aanmelding) of one or more gemeenten for one or more products.
    Add(Mutation),
    /// Record a change (mutatie) to an order in force.
    Change(Mutation),
    /// End an order (beëindiging) on a date.
    End(Mutation),
    /// Show or set the deadline by which existing history needs an order.
    Deadline {
        #[command(flatten)]
        store: StoreArg,
        /// The new deadline (JJJJ-MM-DD).
        datum: Option<NaiveDate>,
    },
    /// Traffic without an order: counted per gemeente, law and month, its content discarded.
    Unordered(StoreArg),
}

#[derive(Debug, clap::Args)]
pub struct Mutation {
    #[command(flatten)]
    store: StoreArg,
    /// Gemeentecode(s).
    #[arg(long, required = true, num_args = 1..)]
    gemeente: Vec<String>,
    /// Product code(s), see `orders products`.
    #[arg(long, required = true, num_args = 1..)]
    product: Vec<String>,
    /// The date it takes effect (JJJJ-MM-DD).
    #[arg(long)]
    datum: NaiveDate,
    /// Who gave it on the gemeente's behalf.
    #[arg(long)]
    door: String,
    #[arg(long, default_value = "")]
    toelichting: String,
}

pub fn orders(command: &OrdersCommand) -> anyhow::Result<ExitCode> {
    match command {
        OrdersCommand::Products(s) => {
            for p in Governance::open(&s.dir())?.products()? {
                let wetten = p.wetten.iter().map(|w| w.as_str()).collect::<Vec<_>>().join(",");
                println!("{:<28} {:<10} {:<40} {}", p.code, wetten, p.onderdelen.join(","), p.naam);
            }
        }
        OrdersCommand::List(s) => {
            for o in Governance::open(&s.dir())?.orders()? {
                for p in &o.perioden {
                    let tot = p.tot.map_or("-".to_owned(), |t| t.to_string());
                    let historie = p.historie_vanaf.map_or("alle historie".to_owned(), |v| format!("data vanaf {v}"));
                    println!("{} {:<28} {} t/m {tot:<10} {historie}", o.gemeente, o.product, p.van);
                }
            }
        }
        OrdersCommand::History { store, gemeente } => {
            for m in Governance::open(&store.dir())?.mutaties(gemeente.as_deref())? {
                println!(
                    "{} {} {:<28} {:<11} {} gegeven door {:?}, vastgelegd door {} op {}{}",
                    m.id,
                    m.gemeente,
                    m.product,
                    m.soort.as_str(),
                    m.datum,
                    m.gegeven_door,
                    m.vastgelegd_door,
                    m.vastgelegd_op,
                    if m.toelichting.is_empty() { String::new() } else { format!(": {}", m.toelichting) }
                );
            }
        }
        OrdersCommand::Add(m) => mutate(m, Soort::Aanmelding)?,
        OrdersCommand::Change(m) => mutate(m, Soort::Mutatie)?,
        OrdersCommand::End(m) => mutate(m, Soort::Beeindiging)?,
        OrdersCommand::Deadline { store, datum } => {
            let g = Governance::open(&store.dir())?;
            if let Some(d) = datum {
                g.set_setting(ketenzicht_governance::HISTORIE_DEADLINE, &d.to_string())?;
                audit(
                    &store.dir(),
                    Actie::Opdracht,
                    "historie-deadline",
                    serde_json::json!({"deadline": d.to_string()}),
                )?;
            }
            match g.deadline()? {
                Some(d) => println!("historie-deadline: {d}"),
                None => println!("geen historie-deadline ingesteld"),
            }
        }
        OrdersCommand::Unordered(s) => {
            let store = Store::open(&s.dir())?;
            for (g, wet, maand, n) in store.ledger.zonder_opdracht()? {
                println!("{g} {:<5} {maand} {n:>8}", if wet.is_empty() { "?" } else { &wet });
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn mutate(m: &Mutation, soort: Soort) -> anyhow::Result<()> {
    let dir = m.store.dir();
    let g = Governance::open(&dir)?;
    let log = AuditLog::open(&dir)?;
    let actor = actor();
    for gemeente in &m.gemeente {
        for product in &m.product {
            let r = g
                .record(gemeente, product, soort, m.datum, &m.door, &m.toelichting, &actor, now())
                .with_context(|| format!("gemeente {gemeente}, product {product}"))?;
            append(
                &log,
                &actor,
                Actie::Opdracht,
                &format!("{gemeente} {product}"),
                serde_json::json!({"soort": soort.as_str(), "datum": m.datum.to_string(), "gegeven_door": m.door, "mutatie": r.id}),
            )?;
            println!("{} {gemeente} {product} {}", soort.as_str(), m.datum);
        }
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct DeleteArgs {
    #[command(flatten)]
    store: StoreArg,
    /// The gemeente whose data is deleted.
    #[arg(long)]
    gemeente: String,
    /// Only this law (`iWmo` or `iJw`); without it, everything of the gemeente and its key.
    #[arg(long, value_parser = parse_wet)]
    wet: Option<Wet>,
    /// Why (recorded in the audit log).
    #[arg(long)]
    reden: String,
}

fn parse_wet(text: &str) -> Result<Wet, String> {
    Wet::parse(text).ok_or_else(|| format!("{text:?}: iWmo or iJw"))
}

/// Delete a gemeente (or one law of it) physically, then rebuild what is derived.
pub fn delete(args: &DeleteArgs) -> anyhow::Result<ExitCode> {
    ketenzicht_governance::check_gemeente(&args.gemeente)?;
    let dir = args.store.dir();
    let mut store = Store::open(&dir)?;
    let detail = delete_gemeente(&mut store, &args.gemeente, args.wet)?;
    audit(
        &dir,
        Actie::Verwijdering,
        &format!("gemeente {}{}", args.gemeente, args.wet.map_or(String::new(), |w| format!(" {}", w.as_str()))),
        serde_json::json!({"reden": args.reden, "verwijderd": detail}),
    )?;
    println!("verwijderd: {detail}");
    Ok(ExitCode::SUCCESS)
}

/// Remove a gemeente, or one law of it; returns counts for the audit record.
fn delete_gemeente(store: &mut Store, gemeente: &str, wet: Option<Wet>) -> anyhow::Result<serde_json::Value> {
    match wet {
        None => {
            let berichten = store.ledger.count_berichten(gemeente)?;
            store.delete_gemeente(gemeente)?;
            Ok(serde_json::json!({"berichten": berichten, "sleutel_vernietigd": true}))
        }
        Some(w) => {
            let pruned = store
                .prune(gemeente, &|r| r.wet == w.as_str(), &|name, _| name.and_then(Wet::of_message_name) == Some(w))?;
            crate::ketendata::rebuild(store, &BTreeSet::from([gemeente.to_owned()]))?;
            Ok(serde_json::json!({"berichten": pruned.berichten, "quarantaine": pruned.quarantaine}))
        }
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum RetentionCommand {
    /// Enforce the orders and the retention period: delete history of gemeenten and laws
    /// without an order after the deadline, data before a late order's date, and everything
    /// registered longer ago than the retention period (default 4 years).
    Run {
        #[command(flatten)]
        store: StoreArg,
        /// The day to enforce on [default: today].
        #[arg(long)]
        vandaag: Option<NaiveDate>,
    },
    /// Show or set the retention period in years.
    Period {
        #[command(flatten)]
        store: StoreArg,
        jaren: Option<u32>,
    },
}

pub fn retention(command: &RetentionCommand) -> anyhow::Result<ExitCode> {
    match command {
        RetentionCommand::Run { store, vandaag } => {
            let dir = store.dir();
            let mut s = Store::open(&dir)?;
            let report = run_retention(&mut s, vandaag.unwrap_or_else(|| now().date()), &actor())?;
            for line in &report {
                println!("{line}");
            }
            if report.is_empty() {
                println!("niets te verwijderen");
            }
        }
        RetentionCommand::Period { store, jaren } => {
            let g = Governance::open(&store.dir())?;
            if let Some(j) = jaren {
                anyhow::ensure!(*j > 0, "the retention period is at least one year");
                g.set_setting(ketenzicht_governance::BEWAARTERMIJN, &j.to_string())?;
                audit(&store.dir(), Actie::Retentie, "bewaartermijn", serde_json::json!({"jaren": j}))?;
            }
            println!("bewaartermijn: {} jaar", g.bewaartermijn()?);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Enforce orders and retention on `vandaag`; one line per deletion. Also run by the server daily.
pub fn run_retention(store: &mut Store, vandaag: NaiveDate, actor: &str) -> anyhow::Result<Vec<String>> {
    let dir = store.root().to_owned();
    let governance = Governance::open(&dir)?;
    let log = AuditLog::open(&dir)?;
    let toelating = governance.toelating(vandaag)?;
    let deadline_passed = governance.deadline()?.is_some_and(|d| vandaag > d);
    let jaren = governance.bewaartermijn()?;
    let grens = vandaag - chrono::Months::new(12 * jaren);
    let mut report = Vec::new();
    let mut record = |object: String, reden: &str, detail: serde_json::Value| -> anyhow::Result<()> {
        report.push(format!("{object}: {reden}: {detail}"));
        append(&log, actor, Actie::Verwijdering, &object, serde_json::json!({"reden": reden, "verwijderd": detail}))
    };
    for gemeente in store.ledger.gemeenten()? {
        let vanaf = Wet::ALL.map(|w| toelating.vanaf(&gemeente, w));
        if deadline_passed && vanaf.iter().all(Option::is_none) {
            let detail = delete_gemeente(store, &gemeente, None)?;
            record(format!("gemeente {gemeente}"), "geen opdracht na de historie-deadline", detail)?;
            continue;
        }
        // A daily run on a national store must not read every message: skip a gemeente whose
        // oldest partition is well inside the period (a message sits in the partition of the
        // receipt it was first stored with, so a year of margin covers later, earlier receipts).
        let oldest = store
            .files(ketenzicht_store::lake::RUW, &gemeente)?
            .iter()
            .filter_map(|f| f.parent()?.file_name()?.to_str()?.strip_prefix("jaar=")?.parse::<i32>().ok())
            .min();
        if !deadline_passed && oldest.is_none_or(|y| y - 1 > grens.year()) {
            continue;
        }
        let select = |wet: &str, dag: NaiveDate| {
            let w = Wet::parse(wet);
            let before_order = deadline_passed
                && match w.and_then(|w| toelating.vanaf(&gemeente, w)) {
                    None => true,
                    Some(v) => v.is_some_and(|v| dag < v),
                };
            before_order || dag < grens
        };
        let pruned = store.prune(&gemeente, &|r| select(r.wet, r.dag), &|name, dag| match name
            .and_then(Wet::of_message_name)
        {
            Some(w) => select(w.as_str(), dag),
            None => dag < grens,
        })?;
        if pruned.berichten > 0 || pruned.quarantaine > 0 {
            crate::ketendata::rebuild(store, &BTreeSet::from([gemeente.clone()]))?;
            record(
                format!("gemeente {gemeente}"),
                &format!("ouder dan de bewaartermijn ({jaren} jaar, voor {grens}) of zonder opdracht"),
                serde_json::json!({"berichten": pruned.berichten, "quarantaine": pruned.quarantaine}),
            )?;
        }
    }
    // Transport errors whose delivery never came belong to no gemeente: the period applies.
    let weg = store.ledger.forget_transportfouten_zonder_levering(grens)?;
    if weg > 0 {
        record(
            "transportfouten".to_owned(),
            &format!("zonder levering, ouder dan de bewaartermijn ({jaren} jaar, voor {grens})"),
            serde_json::json!({"transportfouten": weg}),
        )?;
    }
    Ok(report)
}

#[derive(Debug, clap::Subcommand)]
pub enum ResearchCommand {
    /// Register a research request.
    Add {
        #[command(flatten)]
        store: StoreArg,
        /// A short code (`nza-2026`).
        code: String,
        #[arg(long)]
        aanvrager: String,
        #[arg(long)]
        doel: String,
        #[arg(long)]
        grondslag: String,
        /// A legal basis makes consent unnecessary: every gemeente with data is included.
        #[arg(long)]
        zonder_toestemming: bool,
        /// The fields asked for [default: the NZa list of Regeling Jeugdwet art. 8f].
        #[arg(long = "veld")]
        velden: Vec<String>,
    },
    /// The research requests, with the gemeenten that consent.
    List(StoreArg),
    /// Record a gemeente's consent (or, with --intrekken, its revocation) for a request.
    Consent {
        #[command(flatten)]
        store: StoreArg,
        code: String,
        #[arg(long)]
        gemeente: String,
        #[arg(long)]
        intrekken: bool,
    },
    /// Write the pseudonymised export of a request.
    Export {
        #[command(flatten)]
        store: StoreArg,
        code: String,
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn research(command: &ResearchCommand) -> anyhow::Result<ExitCode> {
    match command {
        ResearchCommand::Add { store, code, aanvrager, doel, grondslag, zonder_toestemming, velden } => {
            let g = Governance::open(&store.dir())?;
            let o = g.add_onderzoek(code, aanvrager, doel, grondslag, !zonder_toestemming, velden, &actor(), now())?;
            audit(
                &store.dir(),
                Actie::Onderzoek,
                code,
                serde_json::json!({"aanvrager": aanvrager, "grondslag": grondslag, "toestemming_nodig": o.toestemming_nodig, "velden": o.velden}),
            )?;
            println!("onderzoek {code} vastgelegd ({} velden)", o.velden.len());
        }
        ResearchCommand::List(s) => {
            let g = Governance::open(&s.dir())?;
            for o in g.onderzoeken()? {
                let wie = if o.toestemming_nodig {
                    format!("toestemming: {}", g.consenting(&o.code)?.into_iter().collect::<Vec<_>>().join(","))
                } else {
                    "zonder toestemming (wettelijke grondslag)".to_owned()
                };
                println!("{} {} — {} ({}); {wie}", o.code, o.aanvrager, o.doel, o.grondslag);
            }
        }
        ResearchCommand::Consent { store, code, gemeente, intrekken } => {
            let g = Governance::open(&store.dir())?;
            g.set_toestemming(code, gemeente, !intrekken, &actor(), now())?;
            audit(
                &store.dir(),
                Actie::Toestemming,
                &format!("{code} {gemeente}"),
                serde_json::json!({"gegeven": !intrekken}),
            )?;
            println!("{code} {gemeente}: {}", if *intrekken { "ingetrokken" } else { "gegeven" });
        }
        ResearchCommand::Export { store, code, out } => {
            let dir = store.dir();
            let s = Store::open(&dir)?;
            let g = Governance::open(&dir)?;
            let o = g.onderzoek(code)?.with_context(|| format!("no research request {code:?}"))?;
            let consenting = g.consenting(code)?;
            let (mut in_export, mut uitgesloten) = (Vec::new(), Vec::new());
            for gemeente in s.ledger.gemeenten()? {
                if !o.toestemming_nodig || consenting.contains(&gemeente) {
                    in_export.push(gemeente);
                } else {
                    uitgesloten.push((gemeente, "geen toestemming".to_owned()));
                }
            }
            let summary = ketenzicht_research::export(&s.lake(), &o, &in_export, &uitgesloten, out, now())?;
            audit(
                &dir,
                Actie::Export,
                &format!("onderzoek {code}"),
                serde_json::json!({"gemeenten": in_export, "bestanden": summary.bestanden.len()}),
            )?;
            println!("{} gemeenten, {} uitgesloten → {}", in_export.len(), uitgesloten.len(), out.display());
            for (name, rows, _) in &summary.bestanden {
                println!("  {name:<22} {rows:>9} rijen");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// The audit log, oldest first (JSON Lines with --json).
    List {
        #[command(flatten)]
        store: StoreArg,
        /// Only entries from this date or time on.
        #[arg(long)]
        van: Option<String>,
        /// Only this kind (inloggen, bekijken, export, opdracht, toestemming, verwijdering, …).
        #[arg(long)]
        actie: Option<String>,
        #[arg(long, default_value_t = 1000)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Check the hash chain: exit code 1 when an entry was changed, inserted or removed.
    Verify(StoreArg),
}

pub fn audit_command(command: &AuditCommand) -> anyhow::Result<ExitCode> {
    match command {
        AuditCommand::List { store, van, actie, limit, json } => {
            let log = AuditLog::open(&store.dir())?;
            for e in log.list(van.as_deref(), actie.as_deref(), *limit)? {
                if *json {
                    println!("{}", e.to_json());
                } else {
                    println!(
                        "{} {} {} [{}] {} {} {}",
                        e.seq, e.tijdstip, e.actor, e.scope, e.actie, e.object, e.detail
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Verify(s) => {
            let v = AuditLog::open(&s.dir())?.verify()?;
            if v.ok() {
                println!("auditlog intact: {} regels, keten klopt", v.entries);
                Ok(ExitCode::SUCCESS)
            } else {
                for p in &v.problems {
                    println!("{p}");
                }
                println!("auditlog NIET intact: {} problemen in {} regels", v.problems.len(), v.entries);
                Ok(ExitCode::from(1))
            }
        }
    }
}

//! `ketenzicht accounts`: manage the accounts of the web server.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use ketenzicht_accounts::{Accounts, Rol};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RolArg {
    Gemeente,
    Regio,
    Beheerder,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add an account; the password is read from $KETENZICHT_WACHTWOORD or the first line of standard input.
    Add {
        #[arg(long)]
        naam: String,
        #[arg(long, value_enum)]
        rol: RolArg,
        /// For role gemeente: its CBS code.
        #[arg(long, required_if_eq("rol", "gemeente"))]
        gemeente: Option<String>,
        /// For role regio: the regional partnership (a jeugdzorgregio of the CBS list).
        #[arg(long, required_if_eq("rol", "regio"))]
        regio: Option<String>,
        #[arg(long)]
        store: Option<PathBuf>,
    },
    /// List the accounts.
    List {
        #[arg(long)]
        store: Option<PathBuf>,
    },
    /// Create a read-only API token for an account (printed once).
    Token {
        #[arg(long)]
        naam: String,
        #[arg(long)]
        omschrijving: String,
        #[arg(long)]
        store: Option<PathBuf>,
    },
    /// Create a token for the HTTP intake (`POST /api/v1/aanleveringen`), printed once. It
    /// delivers traffic and reads nothing.
    IntakeToken {
        /// Who delivers with it (unique), e.g. "GGk-koppeling".
        #[arg(long)]
        omschrijving: String,
        #[arg(long)]
        store: Option<PathBuf>,
    },
    /// List the intake tokens (never their secrets).
    IntakeTokens {
        #[arg(long)]
        store: Option<PathBuf>,
    },
    /// Withdraw an intake token.
    IntakeWithdraw {
        #[arg(long)]
        omschrijving: String,
        #[arg(long)]
        store: Option<PathBuf>,
    },
}

/// Record an account change made on the command line in the store's audit log.
fn audit(store: Option<&std::path::Path>, object: &str, detail: serde_json::Value) -> anyhow::Result<()> {
    let dir = ketenzicht_store::store_dir(store);
    crate::governance::audit(&dir, ketenzicht_audit::Actie::Account, object, detail)
}

fn open(store: Option<&std::path::Path>) -> anyhow::Result<Accounts> {
    let dir = ketenzicht_store::store_dir(store);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(Accounts::open(&dir.join("ketenzicht.sqlite"))?)
}

pub fn run(command: &Command) -> anyhow::Result<ExitCode> {
    let nu = ketenzicht_web::now();
    match command {
        Command::Add { naam, rol, gemeente, regio, store } => {
            let rol = match rol {
                RolArg::Gemeente => Rol::Gemeente(gemeente.clone().unwrap_or_default()),
                RolArg::Regio => Rol::Regio(regio.clone().unwrap_or_default()),
                RolArg::Beheerder => Rol::Beheerder,
            };
            let wachtwoord = match std::env::var("KETENZICHT_WACHTWOORD") {
                Ok(w) => w,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let account = open(store.as_deref())?.add(naam, &wachtwoord, &rol, nu)?;
            audit(store.as_deref(), &account.naam, serde_json::json!({"rol": account.rol.naam()}))?;
            println!("account {} ({}) toegevoegd", account.naam, account.rol.naam());
        }
        Command::List { store } => {
            for a in open(store.as_deref())?.list()? {
                let detail = match &a.rol {
                    Rol::Gemeente(g) => g.clone(),
                    Rol::Regio(r) => r.clone(),
                    Rol::Beheerder => String::new(),
                };
                println!("{:<24} {:<10} {detail}", a.naam, a.rol.naam());
            }
        }
        Command::Token { naam, omschrijving, store } => {
            let accounts = open(store.as_deref())?;
            let account = accounts.find(naam)?.with_context(|| format!("no account {naam:?}"))?;
            let token = accounts.create_token(&account, omschrijving, nu)?;
            audit(store.as_deref(), naam, serde_json::json!({"api_token": omschrijving}))?;
            println!("{token}");
        }
        Command::IntakeToken { omschrijving, store } => {
            let token = open(store.as_deref())?.create_aanlevertoken(omschrijving, nu)?;
            audit(store.as_deref(), "aanlevertoken", serde_json::json!({"aangemaakt": omschrijving}))?;
            println!("{token}");
        }
        Command::IntakeTokens { store } => {
            for t in open(store.as_deref())?.aanlevertokens()? {
                let state = t.ingetrokken.map_or("geldig".to_owned(), |d| format!("ingetrokken {d}"));
                println!("{:<32} {:<20} {state}", t.omschrijving, t.aangemaakt);
            }
        }
        Command::IntakeWithdraw { omschrijving, store } => {
            if !open(store.as_deref())?.withdraw_aanlevertoken(omschrijving, nu)? {
                anyhow::bail!("no intake token {omschrijving:?} in force");
            }
            audit(store.as_deref(), "aanlevertoken", serde_json::json!({"ingetrokken": omschrijving}))?;
            println!("intake-token {omschrijving} ingetrokken");
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! What every request shares: the store's lake (read through the indicators' `Source`), the
//! accounts, the CBS list, the login limiter and the metrics.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::IpAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use ketenzicht_accounts::Accounts;
use ketenzicht_gemeenten::Gemeenten;
use ketenzicht_indicators::Source;
use ketenzicht_store::{Store, StoreError, StoreView};

use crate::metrics::Metrics;

#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

#[derive(Debug)]
pub struct Inner {
    /// What the store holds, replaced when a writer (ingest, the intake, the retention run)
    /// is done with it.
    snapshot: RwLock<Arc<Snapshot>>,
    pub gemeenten: Gemeenten,
    pub accounts: Mutex<Accounts>,
    pub limiter: Mutex<Limiter>,
    pub metrics: Metrics,
    /// Keep computed indicator reports with each snapshot (see [`crate::data::Cache`]); off
    /// with `KETENZICHT_WEB_CACHE=uit` (to measure computing every request).
    caching: bool,
    /// Computations that may run at once: one per core. The others wait their turn in order
    /// (the semaphore is fair), instead of all sharing the cores and all finishing late.
    pub rekenplaatsen: tokio::sync::Semaphore,
    /// An argon2 hash of a random password, to verify unknown names against.
    pub dummy_hash: String,
    /// Send cookies with `Secure` (off only for tests over plain HTTP to a non-local host).
    pub secure_cookies: bool,
    /// The orders (which gemeenten have ordered the dashboards) and research consents.
    pub governance: Mutex<ketenzicht_governance::Governance>,
    /// What the orders in force unlock, kept while the registers are unchanged (by day and
    /// `data_version`; changes through this server clear it).
    onderdelen: Mutex<Option<(chrono::NaiveDate, i64, Arc<Onderdelen>)>>,
    /// Logins, views of client-level data, exports and every governance change (read here,
    /// appended through `audit_writer`).
    pub audit: Arc<ketenzicht_audit::AuditLog>,
    audit_writer: crate::audit::AuditWriter,
    /// The store, read beside any writer; its generation tells when to take a new snapshot.
    view: Mutex<StoreView>,
    /// Deliveries of the HTTP intake waiting to be ingested (see [`crate::intake`]).
    pub inbox: ketenzicht_ingest::inbox::Inbox,
    intake_wake: std::sync::mpsc::SyncSender<()>,
    intake_worker: Mutex<Option<std::sync::mpsc::Receiver<()>>>,
}

/// Per gemeente, the parts its orders in force unlock, with their laws.
pub type Onderdelen = BTreeMap<String, ketenzicht_governance::Parts>;

/// What the store holds, as the requests read it, with the reports computed from it.
#[derive(Debug)]
pub struct Snapshot {
    /// The store's generation this snapshot was taken at.
    pub generatie: i64,
    pub source: Source,
    /// The gemeenten with data in the store.
    pub present: Vec<String>,
    /// Quarantine entries per gemeente and kind.
    pub quarantaine: HashMap<String, BTreeMap<String, u64>>,
    /// Reports computed from this snapshot; they go with it when the store changes.
    pub cache: Option<Mutex<crate::data::Cache>>,
}

impl Snapshot {
    fn of(store: &StoreView, caching: bool) -> Result<Snapshot, StateError> {
        // Taken before reading, so a writer finishing meanwhile makes the next check read again.
        let generatie = store.ledger.generatie()?;
        // The quarantine is read once, for the counts and for the indicators' source.
        let entries = store.ledger.quarantaine()?;
        let mut quarantaine: HashMap<String, BTreeMap<String, u64>> = HashMap::new();
        for q in &entries {
            if let Some(g) = &q.gemeente {
                *quarantaine.entry(g.clone()).or_default().entry(q.soort.clone()).or_default() += 1;
            }
        }
        let source = Source::with_quarantaine(store.lake(), &entries);
        Ok(Snapshot {
            generatie,
            source,
            present: store.ledger.gemeenten()?,
            quarantaine,
            cache: caching.then(|| Mutex::new(crate::data::Cache::default())),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(transparent)]
    Store(#[from] ketenzicht_store::StoreError),
    #[error(transparent)]
    Indicators(#[from] ketenzicht_indicators::IndicatorError),
    #[error(transparent)]
    Accounts(#[from] ketenzicht_accounts::AccountError),
    #[error(transparent)]
    Governance(#[from] ketenzicht_governance::GovernanceError),
    #[error(transparent)]
    Audit(#[from] ketenzicht_audit::AuditError),
    #[error(transparent)]
    Ingest(#[from] ketenzicht_ingest::IngestError),
}

impl AppState {
    /// Open the store and the accounts; `gemeenten` is the CBS list.
    pub fn open(store_dir: &Path, gemeenten: Gemeenten) -> Result<AppState, StateError> {
        let view = StoreView::open(store_dir)?;
        let inbox = ketenzicht_ingest::inbox::Inbox::open(store_dir)?;
        let (intake_wake, intake_worker) = std::sync::mpsc::sync_channel(1);
        let caching = std::env::var("KETENZICHT_WEB_CACHE").as_deref() != Ok("uit");
        let snapshot = RwLock::new(Arc::new(Snapshot::of(&view, caching)?));
        let audit = Arc::new(ketenzicht_audit::AuditLog::open(store_dir)?);
        let accounts = Accounts::open(&store_dir.join("ketenzicht.sqlite"))?;
        // The regional partnerships start as the jeugdzorgregio's, since the Jeugdwet (2015).
        let sinds = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default();
        accounts.seed_regios(&gemeenten, sinds)?;
        Ok(AppState(Arc::new(Inner {
            snapshot,
            gemeenten,
            accounts: Mutex::new(accounts),
            limiter: Mutex::new(Limiter::default()),
            metrics: Metrics::default(),
            caching,
            rekenplaatsen: tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())),
            dummy_hash: ketenzicht_accounts::hash_password(&format!("{:?}", std::time::SystemTime::now()))?,
            secure_cookies: true,
            governance: Mutex::new(ketenzicht_governance::Governance::open(store_dir)?),
            audit_writer: crate::audit::AuditWriter::start(audit.clone(), crate::now).map_err(|e| {
                StateError::Audit(ketenzicht_audit::AuditError::Io { path: store_dir.to_owned(), source: e })
            })?,
            audit,
            onderdelen: Mutex::new(None),
            view: Mutex::new(view),
            inbox,
            intake_wake,
            intake_worker: Mutex::new(Some(intake_worker)),
        })))
    }

    pub(crate) fn inner(&self) -> &Arc<Inner> {
        &self.0
    }

    pub(crate) fn from_inner(inner: Arc<Inner>) -> AppState {
        AppState(inner)
    }

    /// Start the intake's worker (once; later calls do nothing).
    pub fn start_intake(&self) -> std::io::Result<()> {
        match self.intake_worker.lock().unwrap_or_else(|p| p.into_inner()).take() {
            Some(wake) => crate::intake::start_worker(self, wake),
            None => Ok(()),
        }
    }

    /// Tell the intake's worker that a delivery waits.
    pub fn wake_intake(&self) {
        crate::intake::wake(&self.intake_wake);
    }

    /// Take a new snapshot when a writer has finished with the store since the last one.
    /// The server calls this every second (see [`AppState::watch`]) and after its own writes.
    pub fn refresh(&self) -> Result<bool, StateError> {
        let view = self.view.lock().unwrap_or_else(|p| p.into_inner());
        if view.ledger.generatie()? == self.snapshot().generatie {
            return Ok(false);
        }
        let fresh = Arc::new(Snapshot::of(&view, self.caching)?);
        tracing::info!(generatie = fresh.generatie, gemeenten = fresh.present.len(), "new snapshot of the store");
        *self.snapshot.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        Ok(true)
    }

    /// Check the store's generation every `interval` on a thread of its own, for as long as
    /// the state lives.
    pub fn watch(&self, interval: Duration) -> std::io::Result<()> {
        let weak = Arc::downgrade(&self.0);
        std::thread::Builder::new().name("snapshot".into()).spawn(move || {
            loop {
                std::thread::sleep(interval);
                let Some(inner) = weak.upgrade() else { return };
                if let Err(e) = AppState(inner).refresh() {
                    tracing::error!(error = %e, "the store's snapshot could not be taken again");
                }
            }
        })?;
        Ok(())
    }

    pub fn now(&self) -> NaiveDateTime {
        crate::now()
    }

    /// What the orders in force today unlock, per gemeente.
    pub fn onderdelen(&self) -> Result<Arc<Onderdelen>, crate::error::WebError> {
        let dag = self.now().date();
        let governance = self.governance.lock().map_err(|_| crate::error::WebError::internal("governance lock"))?;
        let version = governance.data_version().map_err(crate::error::WebError::internal)?;
        let mut cached = self.onderdelen.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((d, v, o)) = cached.as_ref()
            && *d == dag
            && *v == version
        {
            return Ok(o.clone());
        }
        let fresh = Arc::new(governance.onderdelen(dag).map_err(crate::error::WebError::internal)?);
        *cached = Some((dag, version, fresh.clone()));
        Ok(fresh)
    }

    /// Forget the cached orders (after this server changed them).
    pub fn orders_changed(&self) {
        *self.onderdelen.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// What the store holds now.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Read from the store's ledger (the beheerder's pages).
    pub fn read_store<R>(&self, f: impl FnOnce(&StoreView) -> R) -> R {
        f(&self.view.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Run `f` as the store's writer (the intake, the daily retention run), then take a new
    /// snapshot. `None` when another process writes now (`ketenzicht ingest`): try later.
    pub fn with_writer<R>(&self, f: impl FnOnce(&mut Store) -> R) -> Result<Option<R>, StoreError> {
        let root = self.view.lock().unwrap_or_else(|p| p.into_inner()).root().to_owned();
        let mut store = match Store::open(&root) {
            Ok(store) => store,
            Err(StoreError::Locked { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let out = f(&mut store);
        drop(store);
        if let Err(e) = self.refresh() {
            tracing::error!(error = %e, "the store's snapshot could not be taken again");
        }
        Ok(Some(out))
    }

    /// Append to the audit log and wait until it is committed. A view or export that cannot
    /// be recorded is refused.
    pub async fn audit(
        &self,
        actor: &str,
        scope: &[String],
        actie: ketenzicht_audit::Actie,
        object: &str,
        detail: serde_json::Value,
    ) -> Result<(), crate::error::WebError> {
        self.audit_writer.append(actor, scope, actie, object, detail).await
    }
}

/// Failed logins per account name and per address: at most [`Limiter::MAX_PER_NAME`] and
/// [`Limiter::MAX_PER_ADDRESS`] within [`Limiter::WINDOW`]; then 429 until they age out.
#[derive(Debug, Default)]
pub struct Limiter {
    names: HashMap<String, VecDeque<Instant>>,
    addresses: HashMap<IpAddr, VecDeque<Instant>>,
}

impl Limiter {
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);
    pub const MAX_PER_NAME: usize = 5;
    pub const MAX_PER_ADDRESS: usize = 20;

    fn recent(list: &mut VecDeque<Instant>, now: Instant) -> usize {
        while list.front().is_some_and(|t| now.duration_since(*t) > Self::WINDOW) {
            list.pop_front();
        }
        list.len()
    }

    /// May this name from this address try to log in now?
    pub fn allowed(&mut self, name: &str, address: IpAddr) -> bool {
        let now = Instant::now();
        let by_name = self.names.get_mut(name).map_or(0, |l| Self::recent(l, now));
        let by_address = self.addresses.get_mut(&address).map_or(0, |l| Self::recent(l, now));
        by_name < Self::MAX_PER_NAME && by_address < Self::MAX_PER_ADDRESS
    }

    pub fn failed(&mut self, name: &str, address: IpAddr) {
        let now = Instant::now();
        if self.names.len() > 100_000 {
            self.names.clear();
        }
        self.names.entry(name.to_owned()).or_default().push_back(now);
        self.addresses.entry(address).or_default().push_back(now);
    }
}

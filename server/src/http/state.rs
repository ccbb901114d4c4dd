//! What the handlers share, assembled once at start from the features' parts: the
//! configuration, the store, the caches, the limits, the outbox's notifier and the live
//! hub. Only the HTTP layer (each feature's `routes.rs`, and `http/`) uses it; the
//! features' services take the parts they need, so nothing below imports this.

use std::future::Future;
use std::sync::Arc;

use axum::extract::FromRef;

use crate::SharedStore;
use crate::auth::Sessions;
use crate::config::Config;
use crate::http::web;
use crate::limits::{Limit, Logins};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: SharedStore,
    pub shell: Arc<web::Shell>,
    pub reference: Arc<crate::catalogue::cache::ReferenceCache>,
    pub common_matters: Arc<crate::catalogue::cache::CommonMatters>,
    /// The knowledge base's index and the matter-type classifier.
    pub suggest: Arc<crate::knowledge::SuggestCache>,
    pub login_throttle: Arc<Logins>,
    pub upload_limit: Arc<Limit>,
    /// Bytes uploaded without a session or a tablet, per address.
    pub upload_bytes: Arc<Limit>,
    /// Complaints filed without a session, per address.
    pub filing_limit: Arc<Limit>,
    pub media: crate::media::MediaStore,
    /// The station sealing key, read (or made) at first use.
    seal_key: Arc<tokio::sync::OnceCell<crate::station::SealKey>>,
    /// The key of nearby reports' references, read (or made) at first use.
    reference_key: Arc<tokio::sync::OnceCell<crate::repeats::ReferenceKey>>,
    /// Failed station enrollments, counted per address.
    pub enroll_limit: Arc<Limit>,
    /// Failed proofs of a ticket (tracking code with the phone's last four digits or
    /// the device's secret), counted per address.
    pub proof_limit: Arc<Limit>,
    /// Suggestions asked, per staff member or (without a session) per address, in this
    /// process only: what it guards is this process's CPU.
    pub suggest_limit: Arc<Limit>,
    /// Delivers the outbox (text messages).
    pub notifier: Arc<crate::outbox::Notifier>,
    /// Checks staff sessions (the staff store and the session lifetimes).
    pub sessions: Sessions,
    /// Turns `true` when the server begins to shut down: open event streams end then.
    pub closing: Arc<tokio::sync::watch::Sender<bool>>,
    /// Every change the database commits, fanned out to this process's event streams.
    pub live: crate::live::Live,
}

/// Wrong ticket proofs allowed per address in 15 minutes: enough for typing mistakes,
/// far too few to guess four digits (10,000).
pub const PROOF_FAILURES: usize = 20;

impl AppState {
    /// Fails when the media folder cannot be made.
    pub fn new(config: Config, store: SharedStore) -> std::io::Result<Self> {
        let shell = Arc::new(web::Shell::load(&config.dist_dir, config.public_https()));
        let media = crate::media::MediaStore::from_config(&config)?;
        let notifier = Arc::new(crate::outbox::Notifier::from_config(&config));
        // Counted in the database when several processes may share it (PostgreSQL).
        let shared = store.shared_windows();
        let limit = |scope: &'static str, limit: usize, window: u64| {
            Arc::new(Limit::new(
                scope,
                limit,
                std::time::Duration::from_secs(window),
                shared.clone(),
            ))
        };
        let upload_limit = limit("uploads", config.uploads_per_hour, 3600);
        let upload_bytes = limit("upload_bytes", config.upload_bytes_per_hour, 3600);
        let filing_limit = limit("filings", config.filings_per_hour, 3600);
        let enroll_limit = limit("enrollments", 10, 900);
        let proof_limit = limit("proofs", PROOF_FAILURES, 900);
        // Someone typing asks for one per pause (600 ms in the app): the default 240
        // leaves room for a station's tablets behind one address. Each costs a few
        // milliseconds of CPU for a short GET, what an endless stream would turn
        // against the server; so it is counted where that CPU is, in this process.
        let suggest_limit = Arc::new(Limit::new(
            "suggestions",
            config.suggestions_per_minute,
            std::time::Duration::from_secs(60),
            None,
        ));
        let login_throttle = Arc::new(Logins::new(shared.clone()));
        let sessions = Sessions::new(store.clone(), &config);
        Ok(AppState {
            sessions,
            config: Arc::new(config),
            store,
            shell,
            reference: Arc::default(),
            common_matters: Arc::default(),
            suggest: Arc::default(),
            login_throttle,
            upload_limit,
            upload_bytes,
            filing_limit,
            media,
            seal_key: Arc::default(),
            reference_key: Arc::default(),
            notifier,
            closing: Arc::new(tokio::sync::watch::Sender::new(false)),
            live: crate::live::Live::default(),
            enroll_limit,
            proof_limit,
            suggest_limit,
        })
    }

    /// Resolves once the server begins to shut down (at once if it has).
    pub fn closed(&self) -> impl Future<Output = ()> + Send + use<> {
        let mut closing = self.closing.subscribe();
        async move {
            // An error means the sender is gone: the server is gone too.
            let _ = closing.wait_for(|closing| *closing).await;
        }
    }

    /// The station sealing key (kept in the database, made at first use).
    pub async fn seal_key(&self) -> crate::error::AppResult<&crate::station::SealKey> {
        self.seal_key
            .get_or_try_init(|| crate::station::SealKey::load(self.store.as_ref()))
            .await
    }

    /// The key of nearby reports' references (kept in the database, made at first use).
    pub async fn reference_key(&self) -> crate::error::AppResult<&crate::repeats::ReferenceKey> {
        self.reference_key
            .get_or_try_init(|| crate::repeats::ReferenceKey::load(self.store.as_ref()))
            .await
    }

    /// The key of tracking links (the notifier's, which texts them).
    pub async fn link_key(&self) -> crate::error::AppResult<&crate::tickets::link::LinkKey> {
        self.notifier.link_key(self.store.as_ref()).await
    }

    /// What makes reports the same problem.
    pub fn repeats(&self) -> crate::repeats::Repeats {
        crate::repeats::Repeats::of(&self.config)
    }
}

impl FromRef<AppState> for Sessions {
    fn from_ref(state: &AppState) -> Sessions {
        state.sessions.clone()
    }
}

//! The limits as the handlers use them, wherever they are counted: in this process's
//! memory when it owns the database (SQLite, `crate::limits::throttle`), or in the database
//! when several processes share it (PostgreSQL, `store::SharedWindows`), so a second
//! process does not double what an address may do.
//!
//! Shared, an attempt counts from its start as an entry in the database (so attempts
//! made at once through different processes cannot pass the limit together); one that
//! does not fail takes its entry back. A process that dies mid-attempt leaves it
//! counted until its window passes, which errs on the side of the limit.

pub mod throttle;

use std::sync::Arc;
use std::time::{Duration, Instant};

use throttle::{LoginThrottle, RateLimit};
use time::OffsetDateTime;

use crate::error::AppResult;
use crate::store::limits::{Entry as LimitEntry, SharedWindows};

/// Refused: how long until the key may try again.
pub type Refused = Duration;

/// One limit (at most so many per key and window).
pub struct Limit {
    local: RateLimit,
    shared: Option<Shared>,
}

#[derive(Clone)]
struct Shared {
    windows: Arc<dyn SharedWindows>,
    scope: &'static str,
}

/// How long until `weight` more fits within `limit`, given what the key did in the
/// window (oldest first): until enough of the oldest have left the window.
fn wait_after(
    recent: &[LimitEntry],
    weight: u64,
    limit: u64,
    window: Duration,
    now: OffsetDateTime,
) -> Duration {
    let mut left: u64 = recent.iter().map(|e| e.weight).sum();
    if weight <= limit {
        for entry in recent {
            left -= entry.weight;
            if left + weight <= limit {
                let leaves = entry.at + window - now;
                return Duration::try_from(leaves).unwrap_or_default();
            }
        }
    }
    window
}

impl Limit {
    /// At most `limit` per key within `window`, counted in the database when `shared`
    /// is given (under `scope`, a name of its own among the limits).
    pub fn new(
        scope: &'static str,
        limit: usize,
        window: Duration,
        shared: Option<Arc<dyn SharedWindows>>,
    ) -> Limit {
        Limit {
            local: RateLimit::new(limit, window),
            shared: shared.map(|windows| Shared { windows, scope }),
        }
    }

    fn bounds(&self) -> (u64, Duration) {
        (self.local.limit() as u64, self.local.window())
    }

    /// Adds `weight` for `key` if it fits.
    async fn take(
        &self,
        shared: &Shared,
        key: &str,
        weight: u64,
    ) -> AppResult<Result<i64, Refused>> {
        let (limit, window) = self.bounds();
        let now = OffsetDateTime::now_utc();
        Ok(shared
            .windows
            .take(shared.scope, key, weight, limit, window, now)
            .await?
            .map_err(|recent| wait_after(&recent, weight, limit, window, now)))
    }

    /// How long until `key` may make another request, if it may not now; counts
    /// nothing (to refuse before looking, and count only what fails).
    pub async fn blocked_for(&self, key: &str) -> AppResult<Option<Refused>> {
        let Some(shared) = &self.shared else {
            return Ok(self.local.blocked_for(key, Instant::now()));
        };
        let (limit, window) = self.bounds();
        let now = OffsetDateTime::now_utc();
        let recent = shared
            .windows
            .recent(shared.scope, key, window, now)
            .await?;
        let used: u64 = recent.iter().map(|e| e.weight).sum();
        Ok((used + 1 > limit).then(|| wait_after(&recent, 1, limit, window, now)))
    }

    /// Counts a request for `key`, or says how long until one is allowed.
    pub async fn hit(&self, key: &str) -> AppResult<Result<(), Refused>> {
        self.spend(key, 1).await
    }

    /// Spends `amount` of `key`'s budget (the limit is then a sum, such as bytes), or
    /// says how long until that much is free again.
    pub async fn spend(&self, key: &str, amount: u64) -> AppResult<Result<(), Refused>> {
        match &self.shared {
            None => Ok(self.local.spend(key, amount, Instant::now())),
            Some(shared) => Ok(self.take(shared, key, amount).await?.map(|_| ())),
        }
    }

    /// Begins an attempt that counts only if it fails ([`Attempt::failed`]) and
    /// counts while under way; or says how long until one may begin.
    pub async fn begin(&self, key: &str) -> AppResult<Result<Attempt<'_>, Refused>> {
        match &self.shared {
            None => Ok(self
                .local
                .begin(key, Instant::now())
                .map(|attempt| Attempt(Kind::Local(Some(attempt))))),
            Some(shared) => Ok(self.take(shared, key, 1).await?.map(|id| {
                Attempt(Kind::Shared {
                    windows: shared.windows.clone(),
                    entries: vec![(key.to_owned(), id)],
                    counted: false,
                })
            })),
        }
    }
}

/// Sign-ins: at most [`throttle::PER_ACCOUNT`] failures per account and
/// [`throttle::PER_ADDRESS`] per address within [`throttle::WINDOW`].
pub struct Logins {
    local: LoginThrottle,
    shared: Option<Arc<dyn SharedWindows>>,
}

const LOGIN_SCOPE: &str = "login";

impl Logins {
    pub fn new(shared: Option<Arc<dyn SharedWindows>>) -> Logins {
        Logins {
            local: LoginThrottle::default(),
            shared,
        }
    }

    /// Begins a sign-in for `username` from `address`, or says how long until one may
    /// be made; it counts against both limits until it is decided.
    pub async fn begin(
        &self,
        username: &str,
        address: &str,
    ) -> AppResult<Result<Attempt<'_>, Refused>> {
        let Some(windows) = &self.shared else {
            return Ok(self
                .local
                .begin(username, address, Instant::now())
                .map(|attempt| Attempt(Kind::Local(Some(attempt)))));
        };
        let now = OffsetDateTime::now_utc();
        let window = throttle::WINDOW;
        let mut attempt = Attempt(Kind::Shared {
            windows: windows.clone(),
            entries: Vec::new(),
            counted: false,
        });
        for (key, limit) in [
            (throttle::account_key(username), throttle::PER_ACCOUNT),
            (throttle::address_key(address), throttle::PER_ADDRESS),
        ] {
            let limit = limit as u64;
            match windows
                .take(LOGIN_SCOPE, &key, 1, limit, window, now)
                .await?
            {
                Ok(id) => {
                    if let Kind::Shared { entries, .. } = &mut attempt.0 {
                        entries.push((key, id));
                    }
                }
                // Dropping the attempt takes back the entry made for the account.
                Err(recent) => return Ok(Err(wait_after(&recent, 1, limit, window, now))),
            }
        }
        Ok(Ok(attempt))
    }

    /// A right password: the account's failures are forgotten.
    pub async fn succeeded(&self, mut attempt: Attempt<'_>) -> AppResult<()> {
        match &mut attempt.0 {
            Kind::Local(local) => {
                if let Some(local) = local.take() {
                    self.local.succeeded(local);
                }
            }
            Kind::Shared {
                windows, entries, ..
            } => {
                if let Some((account, _)) = entries.first() {
                    windows.clear(LOGIN_SCOPE, account).await?;
                }
            }
        }
        Ok(())
    }
}

/// One attempt under way, counted against its limits from its start:
/// [`Attempt::failed`] counts it for good; dropped otherwise (it did not fail, or an
/// error came on the way), it counts as nothing.
pub struct Attempt<'a>(Kind<'a>);

enum Kind<'a> {
    /// Taken out when decided (the attempt's own drop then has nothing to do).
    Local(Option<throttle::Attempt<'a>>),
    Shared {
        windows: Arc<dyn SharedWindows>,
        /// The key and entry of each limit the attempt counts against.
        entries: Vec<(String, i64)>,
        counted: bool,
    },
}

impl Attempt<'_> {
    /// Counts the attempt for good (a failure, or a new complaint filed).
    pub fn count(self) {
        self.failed();
    }

    pub fn failed(mut self) {
        match &mut self.0 {
            Kind::Local(attempt) => {
                if let Some(attempt) = attempt.take() {
                    attempt.failed(Instant::now());
                }
            }
            Kind::Shared { counted, .. } => *counted = true,
        }
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if let Kind::Shared {
            windows,
            entries,
            counted: false,
        } = &mut self.0
            && !entries.is_empty()
        {
            let (windows, entries) = (windows.clone(), std::mem::take(entries));
            // Taken back in the background: the answer does not wait for it.
            tokio::spawn(async move {
                for (_, id) in entries {
                    if let Err(e) = windows.remove(id).await {
                        tracing::warn!(error = %e, "a limit's entry could not be taken back");
                    }
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_is_until_enough_of_the_oldest_leave_the_window() {
        let now = OffsetDateTime::now_utc();
        let window = Duration::from_secs(60);
        let entry = |ago: u64, weight: u64| LimitEntry {
            at: now - Duration::from_secs(ago),
            weight,
        };
        let recent = [entry(50, 60), entry(40, 30)];
        // 90 of 100 used: 20 more waits until the 60 leave (10 s), 5 until the first too.
        assert_eq!(
            wait_after(&recent, 20, 100, window, now),
            Duration::from_secs(10)
        );
        assert_eq!(
            wait_after(&[entry(30, 1), entry(10, 1)], 1, 2, window, now),
            Duration::from_secs(30)
        );
        assert_eq!(
            wait_after(&recent, 101, 100, window, now),
            window,
            "never fits"
        );
    }
}

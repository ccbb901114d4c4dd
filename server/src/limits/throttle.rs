//! Counting requests in sliding windows, in memory, per server process (several
//! processes each allow the limit, and a restart forgets):
//!
//! - Login throttling: after too many failed sign-ins for one account, or from one
//!   address, within a window, further attempts are refused (429) until the window
//!   moves on. A success clears the account's count.
//! - [`RateLimit`]: at most so many requests per key (an address) within a window, for
//!   open endpoints that write (anonymous media uploads), or at most so many failures
//!   (wrong ticket proofs, wrong enrollment codes): past the limit every attempt from
//!   the address is refused before it is looked at, so a right guess among wrong ones
//!   cannot be told apart.
//!
//! Addresses are keyed by `address::ClientAddress`: IPv6 by its /64, and behind a
//! trusted reverse proxy (`GRIDLINE_TRUSTED_PROXIES`) the forwarded client's address.
//! The maps are bounded in keys. Where several processes share a PostgreSQL database,
//! the counts are kept in it instead (`crate::limits`).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const WINDOW: Duration = Duration::from_secs(15 * 60);
pub const PER_ACCOUNT: usize = 5;
pub const PER_ADDRESS: usize = 20;
/// The wait told to an attempt refused while others under way fill the limit.
const PENDING_WAIT: Duration = Duration::from_secs(5);
/// Keys kept at most (each with at most its limit of instants); beyond, the oldest go.
const MAX_KEYS: usize = 50_000;

/// What a key did within the window: when, and how much each time (1 for a request,
/// the size for bytes), with the sum.
#[derive(Default)]
struct Recent {
    entries: VecDeque<(Instant, u64)>,
    total: u64,
}

/// The recent entries of each key.
#[derive(Default)]
struct Windows {
    keys: HashMap<String, Recent>,
}

impl Windows {
    /// What `key` did within `window` before `now`, older entries dropped.
    fn recent(&mut self, key: &str, window: Duration, now: Instant) -> Option<&Recent> {
        let recent = self.keys.get_mut(key)?;
        while let Some((at, weight)) = recent.entries.front().copied()
            && now.duration_since(at) >= window
        {
            recent.entries.pop_front();
            recent.total -= weight;
        }
        Some(recent)
    }

    /// How long until `key` may add `weight` more, if it may not now (`limit` is the
    /// most its entries may sum to within the window).
    fn wait_for(
        &mut self,
        key: &str,
        weight: u64,
        limit: u64,
        window: Duration,
        now: Instant,
    ) -> Option<Duration> {
        if weight > limit {
            return Some(window);
        }
        let recent = self.recent(key, window, now)?;
        if recent.total + weight <= limit {
            return None;
        }
        // The wait until enough of the oldest entries have left the window.
        let mut left = recent.total;
        for (at, w) in &recent.entries {
            left -= w;
            if left + weight <= limit {
                return Some(window - now.duration_since(*at));
            }
        }
        Some(window)
    }

    /// How long until `key` may have another entry, if it has `limit` already.
    fn wait(
        &mut self,
        key: &str,
        limit: usize,
        window: Duration,
        now: Instant,
    ) -> Option<Duration> {
        self.wait_for(key, 1, limit as u64, window, now)
    }

    /// Adds an entry of `weight` to `key`, keeping the sum within `limit`; bounded in
    /// keys: when full, the keys whose window has passed go, and if that is not enough,
    /// the tenth heard of least recently (memory stays bounded whatever the number of
    /// addresses).
    fn record_weight(
        &mut self,
        key: String,
        weight: u64,
        limit: u64,
        window: Duration,
        now: Instant,
    ) {
        if self.keys.len() >= MAX_KEYS && !self.keys.contains_key(&key) {
            self.keys.retain(|_, recent| {
                recent
                    .entries
                    .back()
                    .is_some_and(|(t, _)| now.duration_since(*t) < window)
            });
            if self.keys.len() >= MAX_KEYS {
                let mut last: Vec<(Instant, String)> = self
                    .keys
                    .iter()
                    .filter_map(|(k, recent)| recent.entries.back().map(|(t, _)| (*t, k.clone())))
                    .collect();
                last.sort_unstable();
                for (_, k) in last.into_iter().take(MAX_KEYS / 10) {
                    self.keys.remove(&k);
                }
            }
        }
        let recent = self.keys.entry(key).or_default();
        recent.entries.push_back((now, weight));
        recent.total += weight;
        while recent.total > limit
            && let Some((_, w)) = recent.entries.pop_front()
        {
            recent.total -= w;
        }
    }

    /// Adds one entry to `key`, keeping at most `limit`.
    fn record(&mut self, key: String, limit: usize, window: Duration, now: Instant) {
        self.record_weight(key, 1, limit as u64, window, now);
    }
}

/// The failures (or hits) of every key, and the attempts under way.
#[derive(Default)]
struct Counts {
    windows: Windows,
    /// Attempts begun and not yet decided, per key: each counts against the limit
    /// until it is known not to fail, so attempts made at once cannot pass it together.
    pending: HashMap<String, usize>,
}

impl Counts {
    /// How long until an attempt may begin, if it may not now: the window's wait when
    /// what is counted reaches a limit; a moment when attempts under way fill it (they
    /// are decided within a second or two, and may not fail).
    fn wait(
        &mut self,
        keys: &[(String, usize)],
        window: Duration,
        now: Instant,
    ) -> Option<Duration> {
        keys.iter()
            .filter_map(|(key, limit)| {
                if let Some(wait) = self.windows.wait(key, *limit, window, now) {
                    return Some(wait);
                }
                let counted = self
                    .windows
                    .recent(key, window, now)
                    .map_or(0, |recent| recent.entries.len());
                let pending = self.pending.get(key).copied().unwrap_or(0);
                (counted + pending >= *limit).then_some(PENDING_WAIT)
            })
            .max()
    }

    fn begin(
        &mut self,
        keys: &[(String, usize)],
        window: Duration,
        now: Instant,
    ) -> Result<(), Duration> {
        if let Some(wait) = self.wait(keys, window, now) {
            return Err(wait);
        }
        // Bounded like the windows: a key is pending only while its request runs.
        for (key, _) in keys {
            *self.pending.entry(key.clone()).or_default() += 1;
        }
        Ok(())
    }

    fn release(&mut self, keys: &[(String, usize)]) {
        for (key, _) in keys {
            if let Some(n) = self.pending.get_mut(key) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.pending.remove(key);
                }
            }
        }
    }
}

/// One attempt under way, counted against its keys' limits from its start:
/// [`Attempt::failed`] counts it for good; dropped otherwise (it did not fail, or an
/// error came on the way), it counts as nothing.
pub struct Attempt<'a> {
    counts: &'a Mutex<Counts>,
    window: Duration,
    keys: Vec<(String, usize)>,
}

impl Attempt<'_> {
    /// Counts the attempt for good (a failure, or a new complaint filed).
    pub fn count(self, now: Instant) {
        self.failed(now);
    }

    pub fn failed(self, now: Instant) {
        let mut counts = self.counts.lock().expect("not poisoned");
        for (key, limit) in &self.keys {
            counts.windows.record(key.clone(), *limit, self.window, now);
        }
        // Dropping `self` then releases its place among those under way.
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if let Ok(mut counts) = self.counts.lock() {
            counts.release(&self.keys);
        }
    }
}

#[derive(Default)]
pub struct LoginThrottle {
    counts: Mutex<Counts>,
}

pub(crate) fn account_key(username: &str) -> String {
    format!("user:{}", username.trim().to_lowercase())
}

pub(crate) fn address_key(address: &str) -> String {
    format!("addr:{address}")
}

impl LoginThrottle {
    /// Begins a sign-in for `username` from `address`, or says how long until one may
    /// be made. The attempt counts against both limits until it is decided, so of 200
    /// attempts at once for one account at most [`PER_ACCOUNT`] are looked at.
    pub fn begin(
        &self,
        username: &str,
        address: &str,
        now: Instant,
    ) -> Result<Attempt<'_>, Duration> {
        let keys = vec![
            (account_key(username), PER_ACCOUNT),
            (address_key(address), PER_ADDRESS),
        ];
        self.counts
            .lock()
            .expect("not poisoned")
            .begin(&keys, WINDOW, now)?;
        Ok(Attempt {
            counts: &self.counts,
            window: WINDOW,
            keys,
        })
    }

    /// A right password: the account's failures are forgotten.
    pub fn succeeded(&self, attempt: Attempt<'_>) {
        let mut counts = self.counts.lock().expect("not poisoned");
        counts.windows.keys.remove(&attempt.keys[0].0);
        drop(counts);
        drop(attempt);
    }
}

/// At most `limit` requests per key within `window`.
pub struct RateLimit {
    limit: usize,
    window: Duration,
    counts: Mutex<Counts>,
}

impl RateLimit {
    pub fn new(limit: usize, window: Duration) -> RateLimit {
        RateLimit {
            limit,
            window,
            counts: Mutex::default(),
        }
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    pub fn window(&self) -> Duration {
        self.window
    }

    /// How long until `key` may make another request, if it may not now; counts
    /// nothing (to refuse before looking, and count only what fails).
    pub fn blocked_for(&self, key: &str, now: Instant) -> Option<Duration> {
        let keys = [(key.to_owned(), self.limit)];
        self.counts
            .lock()
            .expect("not poisoned")
            .wait(&keys, self.window, now)
    }

    /// Begins an attempt that counts only if it fails ([`Attempt::failed`]), and
    /// counts against the limit while it is under way; or says how long until one may
    /// begin. For failures looked up with an `await` between the check and the count
    /// (a wrong enrollment code), so attempts at once cannot pass the limit together.
    pub fn begin(&self, key: &str, now: Instant) -> Result<Attempt<'_>, Duration> {
        let keys = vec![(key.to_owned(), self.limit)];
        self.counts
            .lock()
            .expect("not poisoned")
            .begin(&keys, self.window, now)?;
        Ok(Attempt {
            counts: &self.counts,
            window: self.window,
            keys,
        })
    }

    /// Counts a request for `key`, or says how long until one is allowed.
    pub fn hit(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut counts = self.counts.lock().expect("not poisoned");
        let keys = [(key.to_owned(), self.limit)];
        if let Some(wait) = counts.wait(&keys, self.window, now) {
            return Err(wait);
        }
        counts
            .windows
            .record(key.to_owned(), self.limit, self.window, now);
        Ok(())
    }

    /// Spends `amount` of `key`'s budget (the limit is then a sum, such as bytes), or
    /// says how long until that much is free again.
    pub fn spend(&self, key: &str, amount: u64, now: Instant) -> Result<(), Duration> {
        let mut counts = self.counts.lock().expect("not poisoned");
        let limit = self.limit as u64;
        if let Some(wait) = counts
            .windows
            .wait_for(key, amount, limit, self.window, now)
        {
            return Err(wait);
        }
        counts
            .windows
            .record_weight(key.to_owned(), amount, limit, self.window, now);
        Ok(())
    }
}

#[cfg(test)]
mod tests;

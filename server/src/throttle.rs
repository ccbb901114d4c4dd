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
//! Behind a reverse proxy every request has the proxy's address, so per-address limits
//! then count all users together; the proxy should throttle too (or a trusted
//! forwarded-for header be added here).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const WINDOW: Duration = Duration::from_secs(15 * 60);
pub const PER_ACCOUNT: usize = 5;
pub const PER_ADDRESS: usize = 20;
/// Keys kept at most (each with at most its limit of instants); beyond, the oldest go.
const MAX_KEYS: usize = 50_000;

/// The recent instants of each key.
#[derive(Default)]
struct Windows {
    keys: HashMap<String, VecDeque<Instant>>,
}

impl Windows {
    /// The instants of `key` within `window` before `now`, older ones dropped.
    fn recent(&mut self, key: &str, window: Duration, now: Instant) -> Option<&VecDeque<Instant>> {
        let times = self.keys.get_mut(key)?;
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            times.pop_front();
        }
        Some(times)
    }

    /// How long until `key` may have another instant, if it has `limit` already.
    fn wait(
        &mut self,
        key: &str,
        limit: usize,
        window: Duration,
        now: Instant,
    ) -> Option<Duration> {
        let times = self.recent(key, window, now)?;
        (times.len() >= limit).then(|| window - now.duration_since(times[0]))
    }

    /// Adds an instant to `key`, keeping at most `limit`; bounded in keys.
    fn record(&mut self, key: String, limit: usize, window: Duration, now: Instant) {
        if self.keys.len() >= MAX_KEYS {
            self.keys.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < window)
            });
        }
        let times = self.keys.entry(key).or_default();
        times.push_back(now);
        while times.len() > limit {
            times.pop_front();
        }
    }
}

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<Windows>,
}

fn account_key(username: &str) -> String {
    format!("user:{}", username.trim().to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("addr:{address}")
}

impl LoginThrottle {
    /// How long until an attempt may be made, if it may not be made now.
    pub fn blocked_for(&self, username: &str, address: &str, now: Instant) -> Option<Duration> {
        let mut failures = self.failures.lock().expect("not poisoned");
        [
            (account_key(username), PER_ACCOUNT),
            (address_key(address), PER_ADDRESS),
        ]
        .into_iter()
        .filter_map(|(key, limit)| failures.wait(&key, limit, WINDOW, now))
        .max()
    }

    pub fn record_failure(&self, username: &str, address: &str, now: Instant) {
        let mut failures = self.failures.lock().expect("not poisoned");
        for (key, limit) in [
            (account_key(username), PER_ACCOUNT),
            (address_key(address), PER_ADDRESS),
        ] {
            failures.record(key, limit, WINDOW, now);
        }
    }

    pub fn record_success(&self, username: &str) {
        self.failures
            .lock()
            .expect("not poisoned")
            .keys
            .remove(&account_key(username));
    }
}

/// At most `limit` requests per key within `window`.
pub struct RateLimit {
    limit: usize,
    window: Duration,
    hits: Mutex<Windows>,
}

impl RateLimit {
    pub fn new(limit: usize, window: Duration) -> RateLimit {
        RateLimit {
            limit,
            window,
            hits: Mutex::default(),
        }
    }

    /// How long until `key` may make another request, if it may not now; counts
    /// nothing (to refuse before looking, and count only what fails).
    pub fn blocked_for(&self, key: &str, now: Instant) -> Option<Duration> {
        let mut hits = self.hits.lock().expect("not poisoned");
        hits.wait(key, self.limit, self.window, now)
    }

    /// Counts a request for `key`, or says how long until one is allowed.
    pub fn hit(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut hits = self.hits.lock().expect("not poisoned");
        if let Some(wait) = hits.wait(key, self.limit, self.window, now) {
            return Err(wait);
        }
        hits.record(key.to_owned(), self.limit, self.window, now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_blocked_after_its_limit_until_the_window_passes() {
        let t = LoginThrottle::default();
        let start = Instant::now();
        for i in 0..PER_ACCOUNT {
            assert_eq!(
                t.blocked_for("worker", "10.0.0.1", start),
                None,
                "attempt {i}"
            );
            t.record_failure("worker", "10.0.0.1", start);
        }
        let wait = t
            .blocked_for("Worker", "10.0.0.2", start)
            .expect("blocked, whatever the case or address");
        assert_eq!(wait, WINDOW);
        assert_eq!(t.blocked_for("someone-else", "10.0.0.2", start), None);
        assert_eq!(t.blocked_for("worker", "10.0.0.1", start + WINDOW), None);
    }

    #[test]
    fn an_address_is_blocked_across_accounts_and_success_clears_an_account() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..PER_ADDRESS {
            t.record_failure(&format!("user{i}"), "10.0.0.9", now);
        }
        assert!(t.blocked_for("fresh", "10.0.0.9", now).is_some());
        assert!(t.blocked_for("fresh", "10.0.0.8", now).is_none());
        t.record_success("user0");
        assert!(t.blocked_for("user0", "10.0.0.8", now).is_none());
    }

    #[test]
    fn a_rate_limit_allows_its_limit_per_key_and_window() {
        let window = Duration::from_secs(60);
        let limit = RateLimit::new(3, window);
        let start = Instant::now();
        for i in 0..3 {
            assert_eq!(limit.hit("10.0.0.1", start), Ok(()), "request {i}");
        }
        assert_eq!(limit.hit("10.0.0.1", start), Err(window));
        assert_eq!(limit.hit("10.0.0.2", start), Ok(()));
        // A refused request does not count; the window slides.
        let later = start + Duration::from_secs(59);
        assert_eq!(limit.hit("10.0.0.1", later), Err(Duration::from_secs(1)));
        assert_eq!(limit.hit("10.0.0.1", start + window), Ok(()));
    }

    #[test]
    fn asking_whether_a_key_is_blocked_counts_nothing() {
        let window = Duration::from_secs(60);
        let limit = RateLimit::new(2, window);
        let start = Instant::now();
        for _ in 0..5 {
            assert_eq!(limit.blocked_for("10.0.0.1", start), None);
        }
        limit.hit("10.0.0.1", start).unwrap();
        assert_eq!(limit.blocked_for("10.0.0.1", start), None);
        limit.hit("10.0.0.1", start).unwrap();
        assert_eq!(limit.blocked_for("10.0.0.1", start), Some(window));
        assert_eq!(limit.blocked_for("10.0.0.2", start), None);
        assert_eq!(limit.blocked_for("10.0.0.1", start + window), None);
    }
}

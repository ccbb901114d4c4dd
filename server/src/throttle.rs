//! Login throttling: after too many failed sign-ins for one account, or from one
//! address, within a window, further attempts are refused (429) until the window
//! moves on. A success clears the account's count.
//!
//! Kept in memory, per server process: several processes each allow the limit, and a
//! restart forgets. Behind a reverse proxy every request has the proxy's address, so
//! the per-address limit then counts all users together; the proxy should throttle
//! too (or a trusted forwarded-for header be added here).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const WINDOW: Duration = Duration::from_secs(15 * 60);
pub const PER_ACCOUNT: usize = 5;
pub const PER_ADDRESS: usize = 20;
/// Keys kept at most (each with at most its limit of instants); beyond, the oldest go.
const MAX_KEYS: usize = 50_000;

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
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
        .filter_map(|(key, limit)| {
            let times = failures.get_mut(&key)?;
            while times
                .front()
                .is_some_and(|t| now.duration_since(*t) >= WINDOW)
            {
                times.pop_front();
            }
            (times.len() >= limit).then(|| WINDOW - now.duration_since(times[0]))
        })
        .max()
    }

    pub fn record_failure(&self, username: &str, address: &str, now: Instant) {
        let mut failures = self.failures.lock().expect("not poisoned");
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < WINDOW)
            });
        }
        for (key, limit) in [
            (account_key(username), PER_ACCOUNT),
            (address_key(address), PER_ADDRESS),
        ] {
            let times = failures.entry(key).or_default();
            times.push_back(now);
            while times.len() > limit {
                times.pop_front();
            }
        }
    }

    pub fn record_success(&self, username: &str) {
        self.failures
            .lock()
            .expect("not poisoned")
            .remove(&account_key(username));
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
}

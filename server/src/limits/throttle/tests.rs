//! Unit tests of `limits::throttle`.

use super::*;

#[test]
fn an_account_is_blocked_after_its_limit_until_the_window_passes() {
    let t = LoginThrottle::default();
    let start = Instant::now();
    for i in 0..PER_ACCOUNT {
        t.begin("worker", "10.0.0.1", start)
            .unwrap_or_else(|_| panic!("attempt {i}"))
            .failed(start);
    }
    let wait = t
        .begin("Worker", "10.0.0.2", start)
        .err()
        .expect("blocked, whatever the case or address");
    assert_eq!(wait, WINDOW);
    assert!(t.begin("someone-else", "10.0.0.2", start).is_ok());
    assert!(t.begin("worker", "10.0.0.1", start + WINDOW).is_ok());
}

#[test]
fn an_address_is_blocked_across_accounts_and_success_clears_an_account() {
    let t = LoginThrottle::default();
    let now = Instant::now();
    for i in 0..PER_ADDRESS {
        t.begin(&format!("user{i}"), "10.0.0.9", now)
            .unwrap()
            .failed(now);
    }
    assert!(t.begin("fresh", "10.0.0.9", now).is_err());
    assert!(t.begin("fresh", "10.0.0.8", now).is_ok());
    for _ in 0..PER_ACCOUNT - 1 {
        t.begin("alice", "10.0.0.8", now).unwrap().failed(now);
    }
    let right = t.begin("alice", "10.0.0.8", now).unwrap();
    t.succeeded(right);
    // Her failures are forgotten: five more may be tried (from elsewhere).
    for _ in 0..PER_ACCOUNT {
        t.begin("alice", "10.0.0.7", now).unwrap().failed(now);
    }
    assert!(t.begin("alice", "10.0.0.6", now).is_err());
}

#[test]
fn attempts_under_way_count_until_they_are_decided() {
    let t = LoginThrottle::default();
    let now = Instant::now();
    let under_way: Vec<_> = (0..PER_ACCOUNT)
        .map(|_| t.begin("worker", "10.0.0.1", now).unwrap())
        .collect();
    assert_eq!(
        t.begin("worker", "10.0.0.3", now).err(),
        Some(PENDING_WAIT),
        "no sixth attempt while five are under way"
    );
    // Decided as not failed (or dropped on an error): their places are free again.
    drop(under_way);
    let five: Vec<_> = (0..PER_ACCOUNT)
        .map(|_| t.begin("worker", "10.0.0.1", now).unwrap())
        .collect();
    for attempt in five {
        attempt.failed(now);
    }
    assert_eq!(t.begin("worker", "10.0.0.1", now).err(), Some(WINDOW));
    assert!(t.counts.lock().unwrap().pending.is_empty());
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
fn a_failure_limit_counts_attempts_under_way() {
    let limit = RateLimit::new(2, Duration::from_secs(60));
    let now = Instant::now();
    let (a, b) = (
        limit.begin("k", now).unwrap(),
        limit.begin("k", now).unwrap(),
    );
    assert_eq!(limit.begin("k", now).err(), Some(PENDING_WAIT));
    assert_eq!(limit.blocked_for("k", now), Some(PENDING_WAIT));
    a.failed(now);
    drop(b);
    let c = limit.begin("k", now).unwrap();
    c.failed(now);
    assert_eq!(limit.begin("k", now).err(), Some(Duration::from_secs(60)));
}

#[test]
fn the_keys_kept_are_bounded_however_many_addresses_come() {
    let limit = RateLimit::new(3, Duration::from_secs(3600));
    let start = Instant::now();
    let first = "2001:db8::/64";
    limit.hit(first, start).unwrap();
    for i in 0..MAX_KEYS + 5_000 {
        let at = start + Duration::from_millis(1 + i as u64);
        limit
            .hit(
                &format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255),
                at,
            )
            .unwrap();
    }
    let counts = limit.counts.lock().unwrap();
    assert!(
        counts.windows.keys.len() <= MAX_KEYS,
        "{}",
        counts.windows.keys.len()
    );
    assert!(
        !counts.windows.keys.contains_key(first),
        "the least recent went first"
    );
}

#[test]
fn a_budget_is_spent_by_amounts_and_freed_as_they_leave_the_window() {
    let window = Duration::from_secs(60);
    let budget = RateLimit::new(100, window);
    let start = Instant::now();
    budget.spend("k", 60, start).unwrap();
    budget
        .spend("k", 30, start + Duration::from_secs(10))
        .unwrap();
    // 90 spent: 20 more waits until the first 60 leave the window.
    assert_eq!(
        budget.spend("k", 20, start + Duration::from_secs(20)),
        Err(Duration::from_secs(40))
    );
    assert_eq!(
        budget.spend("k", 10, start + Duration::from_secs(20)),
        Ok(())
    );
    assert_eq!(budget.spend("k", 101, start), Err(window), "never fits");
    assert_eq!(budget.spend("other", 100, start), Ok(()));
    assert_eq!(budget.spend("k", 50, start + window), Ok(()));
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

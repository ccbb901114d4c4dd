//! The same problem reported again (重复诉求): reports of one matter type filed near
//! each other within a period. Staff see them as similar reports and merge duplicates
//! (`tickets::merge::merge`); residents about to file see the open ones near them, named by an
//! opaque reference, and may follow one instead of having theirs handled again.

pub mod store;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use gridline_core::api::ticket::{NEARBY_REFERENCE_LEN, NearbyReport};
use gridline_core::deadline::CHINA_OFFSET;
use gridline_core::geo::Point;
use gridline_core::ticket::Status;
use hmac::{Hmac, Mac};
use password_hash::rand_core::{OsRng, RngCore};
use sha2::Sha256;
use time::{Duration, OffsetDateTime};

use crate::config::Config;
use crate::error::AppResult;
use crate::repeats::store::{NearbyRow, RepeatStore};
use crate::store::Store;
use crate::store::shared::StoreResult;
use crate::tickets::store::TicketRecord;

/// What makes reports the same problem: the server's settings.
#[derive(Debug, Clone, Copy)]
pub struct Repeats {
    pub radius_m: f64,
    pub period: Duration,
}

impl Repeats {
    pub fn of(config: &Config) -> Repeats {
        Repeats {
            radius_m: f64::from(config.repeat_radius_meters),
            period: Duration::days(i64::from(config.repeat_days)),
        }
    }

    /// Reports of `matter_code` within the radius of `here` filed between `from` and
    /// `to`, each with its distance in metres, nearest first (then oldest).
    pub async fn near(
        &self,
        store: &dyn RepeatStore,
        matter_code: &str,
        here: Point,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> StoreResult<Vec<(NearbyRow, f64)>> {
        let rows = store
            .nearby_tickets(matter_code, from, to, here.bounds_within(self.radius_m))
            .await?;
        let mut found: Vec<_> = rows
            .into_iter()
            .map(|row| {
                let distance = here.distance_m(Point::new(row.lon, row.lat));
                (row, distance)
            })
            .filter(|(_, distance)| *distance <= self.radius_m)
            .collect();
        found.sort_by(|a, b| {
            a.1.total_cmp(&b.1)
                .then(a.0.created_at.cmp(&b.0.created_at))
        });
        Ok(found)
    }

    /// The reports a resident about to file at `here` may follow: open, not merged into
    /// another, filed within the period; nearest first, at most `limit`.
    async fn open_near(
        &self,
        store: &dyn Store,
        matter_code: &str,
        here: Point,
        now: OffsetDateTime,
        limit: usize,
    ) -> StoreResult<Vec<(NearbyRow, f64)>> {
        let mut found = self
            .near(store, matter_code, here, now - self.period, now)
            .await?;
        found.retain(|(row, _)| row.merged_into.is_none() && followable(&row.status));
        found.truncate(limit);
        Ok(found)
    }
}

/// Open and not answered yet: the problem is still being worked on.
fn followable(status: &str) -> bool {
    Status::parse(status).is_some_and(|s| !matches!(s, Status::Done | Status::Closed))
}

/// At most this many nearby reports are offered.
pub const NEARBY_LIMIT: usize = 5;
const REFERENCE_KEY_NAME: &str = "nearby-reference";

/// Names reports to the public without their tracking codes (a code with a guessed
/// phone suffix would open the complaint): a keyed hash of the code, so a reference
/// can be checked but not turned back into the code.
pub struct ReferenceKey(Vec<u8>);

impl ReferenceKey {
    /// The kept key, or a new one kept now.
    pub async fn load(store: &dyn Store) -> AppResult<ReferenceKey> {
        let mut candidate = [0u8; 32];
        OsRng.fill_bytes(&mut candidate);
        Ok(ReferenceKey(
            store.server_key(REFERENCE_KEY_NAME, &candidate).await?,
        ))
    }

    #[cfg(test)]
    fn from_bytes(key: &[u8]) -> ReferenceKey {
        ReferenceKey(key.to_vec())
    }

    pub fn reference(&self, tracking_code: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(tracking_code.as_bytes());
        let digest = mac.finalize().into_bytes();
        // 12 bytes: 16 base64url characters.
        let reference = B64.encode(&digest[..NEARBY_REFERENCE_LEN / 4 * 3]);
        debug_assert_eq!(reference.len(), NEARBY_REFERENCE_LEN);
        reference
    }
}

/// The open reports near `here` as a resident about to file sees them.
pub async fn nearby(
    store: &dyn Store,
    repeats: &Repeats,
    key: &ReferenceKey,
    matter_code: &str,
    here: Point,
    now: OffsetDateTime,
) -> AppResult<Vec<NearbyReport>> {
    let today = now.to_offset(CHINA_OFFSET).date();
    let mut reports = Vec::new();
    for (row, distance) in repeats
        .open_near(store, matter_code, here, now, NEARBY_LIMIT)
        .await?
    {
        let Some(status) = Status::parse(&row.status) else {
            continue;
        };
        let filed = row.created_at.to_offset(CHINA_OFFSET).date();
        reports.push(NearbyReport {
            reference: key.reference(&row.tracking_code),
            status,
            days_ago: u32::try_from((today - filed).whole_days()).unwrap_or(0),
            distance_m: rough_distance(distance),
            followers: u32::try_from(store.merged_ids(row.id).await?.len()).unwrap_or(u32::MAX),
        });
    }
    Ok(reports)
}

/// Rounded up to 50 metres: enough to tell whether it is the same place, not to find a
/// complaint's place by asking from several points (public Open311 positions are
/// rounded to about 100 m).
fn rough_distance(metres: f64) -> u32 {
    ((metres / DISTANCE_STEP_M).ceil().max(1.0) as u32) * DISTANCE_STEP_M as u32
}

const DISTANCE_STEP_M: f64 = 50.0;

/// The open report near `here` that `reference` names, if it still is one: the one a
/// resident filing there chose to follow.
pub async fn followed(
    store: &dyn Store,
    repeats: &Repeats,
    key: &ReferenceKey,
    matter_code: &str,
    here: Point,
    reference: &str,
    now: OffsetDateTime,
) -> AppResult<Option<TicketRecord>> {
    let candidates = repeats
        .open_near(store, matter_code, here, now, usize::MAX)
        .await?;
    let Some((row, _)) = candidates
        .into_iter()
        .find(|(row, _)| key.reference(&row.tracking_code) == reference)
    else {
        return Ok(None);
    };
    Ok(store.ticket_by_code(&row.tracking_code).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_short_opaque_and_keyed() {
        let key = ReferenceKey::from_bytes(b"one key");
        let reference = key.reference("K7QWX3M");
        assert_eq!(reference.len(), NEARBY_REFERENCE_LEN);
        assert!(gridline_core::api::ticket::valid_reference(&reference));
        assert!(!reference.contains("K7QWX3M"));
        assert_eq!(reference, key.reference("K7QWX3M"), "stable");
        assert_ne!(reference, key.reference("K7QWX3N"));
        assert_ne!(
            reference,
            ReferenceKey::from_bytes(b"another key").reference("K7QWX3M")
        );
    }

    #[test]
    fn distances_are_rounded_up_to_fifty_metres() {
        assert_eq!(rough_distance(0.0), 50);
        assert_eq!(rough_distance(3.2), 50);
        assert_eq!(rough_distance(50.0), 50);
        assert_eq!(rough_distance(50.1), 100);
        assert_eq!(rough_distance(187.0), 200);
    }

    #[test]
    fn only_reports_being_worked_on_are_followed() {
        for status in ["received", "dispatched", "accepted", "in_progress"] {
            assert!(followable(status), "{status}");
        }
        for status in ["done", "closed", "nonsense"] {
            assert!(!followable(status), "{status}");
        }
    }
}

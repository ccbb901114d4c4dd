//! Removing uploads no complaint ever used: media older than a day that no timeline
//! entry names are deleted, from the database and from where the bytes live.

use crate::media::objects::MediaStore;

/// Media rows deleted per round of the sweep.
const SWEEP_BATCH: u32 = 500;

/// Deletes the media that no ticket or field record names and that nobody uploaded
/// within `grace` (a device that uploaded them and has not sent its complaint yet
/// sends them again if they are gone). The row goes first, then the bytes: a row never
/// names bytes that are gone. Returns how many were deleted.
pub async fn sweep_orphans(
    store: &dyn crate::Store,
    media: &MediaStore,
    now: time::OffsetDateTime,
    grace: time::Duration,
) -> Result<usize, crate::error::AppError> {
    let mut total = 0;
    loop {
        let ids = store.delete_orphan_media(now - grace, SWEEP_BATCH).await?;
        for id in &ids {
            media.delete(id).await.map_err(|e| {
                crate::error::AppError::Internal(format!("deleting medium {id}: {e}"))
            })?;
        }
        total += ids.len();
        if ids.len() < SWEEP_BATCH as usize {
            return Ok(total);
        }
    }
}

/// Sweeps every `every` until the task is dropped.
pub async fn sweep_forever(
    store: crate::SharedStore,
    media: MediaStore,
    every: std::time::Duration,
    grace: time::Duration,
) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match sweep_orphans(
            store.as_ref(),
            &media,
            time::OffsetDateTime::now_utc(),
            grace,
        )
        .await
        {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "unnamed media deleted"),
            Err(err) => tracing::warn!(error = %err, "media sweep failed; trying again next round"),
        }
    }
}

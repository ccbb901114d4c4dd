//! `gridline station …`: community stations and their tablets' enrollment codes.

use clap::Subcommand;

use crate::cli::error::CliError;
use crate::store;

#[derive(Debug, Subcommand)]
pub enum StationCommand {
    /// Add a station (or rename it, or move it to another community).
    Add {
        /// A short code, e.g. QS-01.
        code: String,
        #[arg(long)]
        name_zh: String,
        #[arg(long)]
        name_en: String,
        /// The community it serves (a region code); filings default to it.
        #[arg(long)]
        community: String,
    },
    /// Issue a one-time code that enrolls one tablet to the station (valid 24 hours).
    Enroll {
        /// The station's code.
        code: String,
    },
    /// List the stations' tablets.
    Devices,
    /// Revoke a tablet: it can no longer file.
    Revoke {
        /// The device's id (from `station devices`).
        device_id: i64,
    },
}

pub(crate) async fn station_command(
    store: &dyn store::Store,
    command: StationCommand,
) -> Result<(), CliError> {
    let now = time::OffsetDateTime::now_utc();
    match command {
        StationCommand::Add {
            code,
            name_zh,
            name_en,
            community,
        } => {
            let known = store.list_regions().await?.into_iter().any(|r| {
                r.code == community
                    && r.level == gridline_core::api::reference::RegionLevel::Community
            });
            if !known {
                return Err(CliError::Refused(format!("no such community: {community}")));
            }
            store
                .upsert_station(&crate::station::store::NewStation {
                    code: code.clone(),
                    name_zh,
                    name_en,
                    community_code: community,
                })
                .await?;
            println!("station {code} saved");
        }
        StationCommand::Enroll { code } => {
            let issued = crate::station::issue_code(store, &code, now)
                .await
                .map_err(|e| CliError::Refused(e.to_string()))?;
            println!(
                "enrollment code for a tablet of {}: {}\n  valid until {} (UTC), once; device id {}",
                issued.station_code, issued.code, issued.expires_at, issued.device_id
            );
        }
        StationCommand::Devices => {
            for d in store.list_station_devices().await? {
                let state = d.state(now).as_str();
                let seen = d
                    .last_seen_at
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "-".into());
                println!(
                    "{:>5}  {:<10} {:<9} {:<20} last seen {seen}",
                    d.id, d.station.code, state, d.label
                );
            }
        }
        StationCommand::Revoke { device_id } => {
            if store.revoke_device(device_id, now).await? {
                println!("device {device_id} revoked; it can no longer file");
            } else {
                return Err(CliError::Refused(format!(
                    "no live device {device_id} (see `gridline station devices`)"
                )));
            }
        }
    }
    Ok(())
}

//! `gridline forward …`: the dispatch systems tickets are forwarded to (webhooks and
//! Open311 endpoints) and the police (110) system, and the outbox items given up on.

use clap::{Args, Subcommand};

use crate::cli::error::CliError;
use crate::cli::input::stdin_line;
use crate::store;

#[derive(Debug, Subcommand)]
pub enum ForwardCommand {
    /// Forward the tickets of a unit or of a matter type to a webhook; prints the
    /// signing secret once (generated unless --secret-stdin).
    Add(AddTarget),
    /// List the targets (without their secrets).
    List,
    /// Stop forwarding to a target (what is queued for it is still delivered).
    Disable { name: String },
    /// Forward to a disabled target again.
    Enable { name: String },
}

/// `gridline forward add`: where, for which tickets, and how it is signed.
#[derive(Debug, Args)]
pub struct AddTarget {
    /// A name for the target, e.g. city-management-orders.
    pub name: String,
    #[arg(long)]
    pub url: String,
    /// The tickets dispatched to this unit.
    #[arg(
        long,
        conflicts_with = "matter",
        required_unless_present_any = ["matter", "police"]
    )]
    pub unit: Option<String>,
    /// The tickets of this matter type.
    #[arg(long)]
    pub matter: Option<String>,
    /// The URL is the police (110) system's (110 联动): it is sent the tickets of the
    /// catalogue's police matter types (transferred, closed here), hands tickets over
    /// at /api/v1/forwarding/NAME/tickets, and hears of every change of both, signed.
    #[arg(long, conflicts_with_all = ["unit", "matter", "open311"])]
    pub police: bool,
    /// Read the signing secret (for --open311, the endpoint's api_key) from the first
    /// line of standard input.
    #[arg(long)]
    pub secret_stdin: bool,
    /// The URL is an Open311 GeoReport v2 endpoint (…/open311/v2): each ticket is
    /// filed there once and its progress read back. Needs --secret-stdin (the
    /// api_key).
    #[arg(long, requires = "secret_stdin")]
    pub open311: bool,
    /// Open311: the jurisdiction_id to send.
    #[arg(long, requires = "open311")]
    pub jurisdiction_id: Option<String>,
    /// Open311: the endpoint's service_code for these tickets (else the matter code).
    #[arg(long, requires = "open311")]
    pub service_code: Option<String>,
}

pub(crate) async fn forward_command(
    store: &dyn store::Store,
    command: ForwardCommand,
) -> Result<(), CliError> {
    match command {
        ForwardCommand::Add(add) => add_target(store, add).await?,
        ForwardCommand::List => {
            for t in store.forward_targets().await? {
                let what = match (&t.unit_code, &t.matter_code) {
                    (Some(unit), _) => format!("unit={unit}"),
                    (_, Some(matter)) => format!("matter={matter}"),
                    _ => String::new(),
                };
                let state = if t.disabled { "disabled" } else { "enabled" };
                println!(
                    "{:<24} {:<8} {what:<16} {state:<8} {}",
                    t.name,
                    t.kind.as_str(),
                    t.url
                );
            }
        }
        ForwardCommand::Disable { name } => {
            if !store.set_forward_target_disabled(&name, true).await? {
                return Err(CliError::Refused(format!("no forwarding target {name}")));
            }
            println!("forwarding to {name} stopped");
        }
        ForwardCommand::Enable { name } => {
            if !store.set_forward_target_disabled(&name, false).await? {
                return Err(CliError::Refused(format!("no forwarding target {name}")));
            }
            println!("forwarding to {name} resumed");
        }
    }
    Ok(())
}

/// Adds a forwarding target after checking its URL, unit or matter type and secret.
async fn add_target(store: &dyn store::Store, add: AddTarget) -> Result<(), CliError> {
    let AddTarget {
        name,
        url,
        unit,
        matter,
        secret_stdin,
        open311,
        police,
        jurisdiction_id,
        service_code,
    } = add;
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(CliError::Refused(format!("not an http(s) URL: {url}")));
    }
    let (units, matters) = (store.list_units().await?, store.list_matter_types().await?);
    if let Some(unit) = &unit
        && !units.iter().any(|u| &u.code == unit)
    {
        return Err(CliError::Refused(format!("no such unit: {unit}")));
    }
    if let Some(matter) = &matter
        && !matters.iter().any(|m| &m.code == matter)
    {
        return Err(CliError::Refused(format!("no such matter type: {matter}")));
    }
    let secret = secret(secret_stdin, open311)?;
    store
        .add_forward_target(&crate::outbox::store::NewForwardTarget {
            name: name.clone(),
            url,
            secret: secret.clone(),
            unit_code: unit,
            matter_code: matter,
            kind: match (open311, police) {
                (true, _) => crate::outbox::store::TargetKind::Open311,
                (_, true) => crate::outbox::store::TargetKind::Police,
                _ => crate::outbox::store::TargetKind::Webhook,
            },
            jurisdiction_id,
            service_code,
        })
        .await?;
    if secret_stdin || open311 {
        println!("forwarding target {name} added");
    } else {
        println!("forwarding target {name} added; signing secret (shown once): {secret}");
    }
    Ok(())
}

/// The target's secret: read from standard input, or made here; a signing secret has at
/// least 16 characters, an Open311 api_key is not empty.
fn secret(from_stdin: bool, open311: bool) -> Result<String, CliError> {
    let secret = if from_stdin {
        stdin_line()?
    } else {
        crate::auth::new_session_token().0
    };
    if secret.len() < 16 && !open311 {
        return Err(CliError::Refused(
            "a signing secret has at least 16 characters".into(),
        ));
    }
    if secret.trim().is_empty() {
        return Err(CliError::Refused("the api_key is empty".into()));
    }
    Ok(secret)
}

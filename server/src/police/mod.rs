//! Police linkage (110 联动). The city's police (110) system is a forwarding target of
//! kind `police` (`gridline forward add NAME --url … --police`); with it:
//!
//! - **Transfer.** A ticket of a matter type the catalogue flags `police` is not the
//!   12345 side's to handle: on filing it is closed as transferred (timeline entry
//!   `transferred`, public) and the police system is sent it as a signed webhook
//!   (`ticket.transferred`). [`transfer_target`] decides, `tickets::filing` does it.
//! - **Hand-over.** The police system hands over what is the 12345 side's (`routes`:
//!   `POST /api/v1/forwarding/{target}/tickets`, signed with the target's secret, once
//!   per `Idempotency-Key`): the ticket comes in on channel `police`, urgent, with its
//!   response (the feedback the police wait for) due an hour after the hand-over, and
//!   routed like any other.
//! - **Told back.** A ticket linked with the police system either way names it
//!   (`police_target`), and every change of it (dispatch, each step, the result) goes
//!   there as a signed webhook through the outbox (`outbox::webhook::items_for`).

pub mod routes;

use gridline_core::api::reference::MatterType;

use crate::outbox::store::{ForwardTarget, TargetKind};

/// The police system a new ticket of `matter` is transferred to: the first enabled
/// police target (by name), when the matter type is a police matter and the ticket was
/// not handed over by the police (it is not sent back). `None`: it is handled here.
pub fn transfer_target<'a>(
    targets: &'a [ForwardTarget],
    matter: &MatterType,
    handed_over: bool,
) -> Option<&'a ForwardTarget> {
    if !matter.police || handed_over {
        return None;
    }
    targets
        .iter()
        .find(|t| t.kind == TargetKind::Police && !t.disabled)
}

/// The client id a hand-over is filed under: from its idempotency key, keyed with the
/// target's secret, so a retry finds the same ticket and nobody without the secret can
/// file under it first.
pub fn client_id(secret: &str, key: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(key.as_bytes());
    // 40 of the 64 hex digits are plenty.
    format!("police-{}", &hex::encode(mac.finalize().into_bytes())[..40])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gives_one_client_id_per_secret() {
        let id = client_id("secret-of-110", "JQ-2026-000123");
        assert_eq!(id, client_id("secret-of-110", "JQ-2026-000123"));
        assert_ne!(id, client_id("secret-of-110", "JQ-2026-000124"));
        assert_ne!(id, client_id("another-secret", "JQ-2026-000123"));
        assert_eq!(id.len(), 47);
        let request = gridline_core::api::police::PoliceHandover {
            matter_code: "1001".into(),
            description: "消防通道被堵".into(),
            ..Default::default()
        }
        .into_request(id);
        assert!(request.validate().is_ok(), "a valid client id");
    }
}

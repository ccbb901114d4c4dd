//! Text messages to residents through the city's SMS gateway: a station's filing tells
//! the resident its tracking code; a resident who agreed when filing is told when the
//! ticket is done, with the answer, and asked for a rating a day later if they have not
//! rated (issue 18). Each message is its own template, in Chinese.
//!
//! The gateway is whatever HTTP endpoint the city's SMS provider offers: the server
//! POSTs the body template (`GRIDLINE_SMS_TEMPLATE`, JSON by default) with `{phone}`
//! and `{text}` filled in (JSON-escaped, or URL-encoded for a form), an optional
//! `Authorization` header (`GRIDLINE_SMS_AUTHORIZATION`, never logged) and an
//! `Idempotency-Key` naming the outbox item. Any 2xx is delivered; anything else is
//! tried again (see `outbox`). The item names its ticket; the message is made from the
//! ticket when it is sent, in Chinese.

use gridline_core::ticket::Status;

use crate::outbox::store::{NewOutboxItem, OutboxItem};
use crate::tickets::link::LinkKey;
use crate::tickets::store::{NewEvent, TicketRecord, TicketStore};

/// The kind of outbox item that is a text message to the ticket's contact phone.
pub const SMS: &str = "sms";

/// What a text message says (the payload of an `sms` item).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "message")]
pub enum Message {
    /// Staff filed for the resident (a station's counter, a hotline operator): the
    /// tracking code and how to follow it. (Named `station_filed` in items written
    /// before the hotline.)
    #[serde(alias = "station_filed")]
    Filed,
    /// The unit answered and the ticket is done (办结): the answer, shortened.
    Resolved { answer: String },
    /// Done and not rated a day later: please rate (回访评价).
    RatingRequest,
}

/// How much of the unit's answer a text carries (the page has all of it).
const ANSWER_CHARS: usize = 60;

impl Message {
    /// The outbox item that sends this message to the ticket's contact phone.
    pub fn sms(&self) -> NewOutboxItem {
        NewOutboxItem {
            kind: SMS.into(),
            target_id: None,
            lane: SMS.into(),
            payload: serde_json::to_string(self).expect("a message serialises"),
        }
    }

    /// The text, with the link to the ticket's page (`link`: the server's address and
    /// the key of tracking links) when there is one.
    fn text(&self, ticket: &TicketRecord, link: Option<(&str, &LinkKey)>) -> String {
        let code = &ticket.tracking_code;
        let page = link.map(|(url, key)| key.page(url, code));
        match self {
            Message::Filed => {
                let follow = page.map(|p| format!("，查看进度：{p}")).unwrap_or_default();
                format!(
                    "【网格通】您的诉求已受理，查询码 {code}。凭查询码和本手机号后四位可查询办理进度{follow}。"
                )
            }
            Message::Resolved { answer } => {
                let mut short: String = answer.chars().take(ANSWER_CHARS).collect();
                if answer.chars().count() > ANSWER_CHARS {
                    short.push('…');
                }
                let more = page
                    .map(|p| format!("详情及评价：{p}。"))
                    .unwrap_or_default();
                format!("【网格通】您反映的问题（查询码 {code}）已办结。答复：{short}。{more}")
            }
            Message::RatingRequest => {
                let place = page
                    .map(|p| format!("：{p}"))
                    .unwrap_or_else(|| "，可凭查询码和本手机号后四位在网格通评价".into());
                format!(
                    "【网格通】您的诉求（查询码 {code}）已办结，请对办理结果作出评价（满意、基本满意或不满意）{place}。感谢您的监督。"
                )
            }
        }
    }
}

/// The texts a change of `ticket` sends its resident: the answer when a unit resolves
/// it, if the resident agreed and left a phone. A merged report's resident hears from
/// its own ticket (it is closed, not done).
pub fn items_for(ticket: &TicketRecord, event: &NewEvent) -> Vec<NewOutboxItem> {
    let texted = ticket.sms_consent
        && ticket.merged_into.is_none()
        && ticket
            .contact_phone
            .as_deref()
            .is_some_and(|p| !p.trim().is_empty());
    if texted && event.kind == "resolve" && ticket.state.status == Status::Done {
        vec![
            Message::Resolved {
                answer: event.note.clone(),
            }
            .sms(),
        ]
    } else {
        Vec::new()
    }
}

/// The city's SMS gateway.
#[derive(Debug, Clone)]
pub(crate) struct SmsGateway {
    pub(crate) url: String,
    pub(crate) template: String,
    pub(crate) authorization: Option<String>,
}

/// The template with `{phone}` and `{text}` filled in: JSON-escaped when the template
/// is JSON, URL-encoded when it is a form (so a `&` or `=` in the text stays text).
pub(crate) fn fill(template: &str, phone: &str, text: &str) -> String {
    let escape = |value: &str| {
        if is_json(template) {
            let quoted = serde_json::to_string(value).expect("a string serialises");
            quoted[1..quoted.len() - 1].to_owned()
        } else {
            let pair = serde_urlencoded::to_string([("v", value)]).expect("a string encodes");
            pair["v=".len()..].to_owned()
        }
    };
    template
        .replace("{phone}", &escape(phone))
        .replace("{text}", &escape(text))
}

fn is_json(template: &str) -> bool {
    template.trim_start().starts_with(['{', '['])
}

pub(crate) fn content_type(template: &str) -> &'static str {
    if is_json(template) {
        "application/json"
    } else {
        "application/x-www-form-urlencoded"
    }
}

/// Sends an `sms` item: the message for its ticket, to the ticket's contact phone.
pub(crate) async fn send(
    client: &reqwest::Client,
    gateway: &SmsGateway,
    link: Option<(&str, &LinkKey)>,
    store: &dyn TicketStore,
    item: &OutboxItem,
) -> Result<(), String> {
    let message: Message =
        serde_json::from_str(&item.payload).map_err(|e| format!("unreadable payload: {e}"))?;
    let ticket_id = item.ticket_id.ok_or("an SMS without a ticket")?;
    let ticket = store
        .ticket_by_id(ticket_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("its ticket is gone")?;
    let phone = ticket
        .contact_phone
        .as_deref()
        .ok_or("the ticket has no phone")?;
    let text = message.text(&ticket, link);
    let body = fill(&gateway.template, phone, &text);
    let mut request = client
        .post(&gateway.url)
        .header("content-type", content_type(&gateway.template))
        .header("idempotency-key", format!("gridline-outbox-{}", item.id))
        .body(body);
    if let Some(authorization) = &gateway.authorization {
        request = request.header("authorization", authorization);
    }
    let response = request.send().await.map_err(|e| {
        // The URL may carry a key: say what failed without it.
        format!("the SMS gateway did not answer ({})", e.without_url())
    })?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("the SMS gateway answered {}", response.status()))
    }
}

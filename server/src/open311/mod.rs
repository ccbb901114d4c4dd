//! Open311 GeoReport v2 (<http://wiki.open311.org/GeoReport_v2>): the documents the
//! server at `/open311/v2/` answers with, in JSON or XML, and the spec's error shape.
//!
//! Every document is built once as JSON; XML is written from that same value, so the
//! two formats cannot drift apart. Arrays take their element names from the spec
//! (`<services><service>…`, `<service_requests><request>…`); `null` fields are left
//! out of XML.

pub mod routes;
pub mod store;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use gridline_core::api::reference::{MatterType, RegionLevel};
use gridline_core::deadline::CHINA_OFFSET;
use gridline_core::ticket::{Action, Status};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::catalogue::cache::Snapshot;
use crate::tickets::store::TicketRecord;

/// The two formats of the spec, chosen by the path's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// Splits `requests.json` into `("requests", Json)`; `None` for another extension.
pub fn split(file: &str) -> Option<(&str, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    let format = match ext {
        "json" => Format::Json,
        "xml" => Format::Xml,
        _ => return None,
    };
    Some((name, format))
}

/// An error as the spec shapes it: `[{"code": 400, "description": "…"}]`, with the
/// same HTTP status.
#[derive(Debug)]
pub struct Open311Error {
    pub status: StatusCode,
    pub description: String,
    pub format: Format,
}

impl Open311Error {
    pub fn new(status: StatusCode, format: Format, description: impl Into<String>) -> Self {
        Open311Error {
            status,
            description: description.into(),
            format,
        }
    }
}

impl IntoResponse for Open311Error {
    fn into_response(self) -> Response {
        let body = json!([{ "code": self.status.as_u16(), "description": self.description }]);
        let mut response = document(self.format, "errors", &body);
        *response.status_mut() = self.status;
        response
    }
}

/// `value` as the response body, in `format`, with `root` as XML's root element.
pub fn document(format: Format, root: &str, value: &Value) -> Response {
    match format {
        Format::Json => (
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            value.to_string(),
        )
            .into_response(),
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            element(&mut out, root, value);
            ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], out).into_response()
        }
    }
}

/// The element name of one item of an array named `plural`.
fn singular(plural: &str) -> &'static str {
    match plural {
        "services" => "service",
        "service_requests" => "request",
        "attributes" => "attribute",
        "values" => "value",
        "endpoints" => "endpoint",
        "formats" => "format",
        "errors" => "error",
        _ => "item",
    }
}

fn element(out: &mut String, name: &str, value: &Value) {
    let text = match value {
        Value::Null => return,
        Value::Array(items) => {
            out.push_str(&format!("<{name}>"));
            for item in items {
                element(out, singular(name), item);
            }
            out.push_str(&format!("</{name}>"));
            return;
        }
        Value::Object(fields) => {
            out.push_str(&format!("<{name}>"));
            for (key, item) in fields {
                element(out, key, item);
            }
            out.push_str(&format!("</{name}>"));
            return;
        }
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
    };
    out.push_str(&format!("<{name}>{}</{name}>", escape(&text)));
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A time as the spec writes it (W3C, with the offset): in China time.
pub fn w3c(at: OffsetDateTime) -> String {
    at.to_offset(CHINA_OFFSET)
        .replace_nanosecond(0)
        .unwrap_or(at)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// Names in Chinese, or English with `locale=en` (an extension; v2 has no locale).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En if en.is_empty() => zh,
            Lang::En => en,
        }
    }
}

/// What the handling time of a matter is, in words.
pub fn service_notice(matter: &MatterType, lang: Lang) -> String {
    match (lang, matter.urgent) {
        (Lang::Zh, false) => format!("{} 个工作日内办结", matter.tier_days),
        (Lang::Zh, true) => format!(
            "紧急事项：1 小时内响应，{} 个工作日内办结",
            matter.tier_days
        ),
        (Lang::En, false) => format!("Resolved within {} working days", matter.tier_days),
        (Lang::En, true) => format!(
            "Urgent: answered within 1 hour, resolved within {} working days",
            matter.tier_days
        ),
    }
}

/// The matter types a request can be filed under: the catalogue's leaves.
pub fn services(snapshot: &Snapshot) -> Vec<&MatterType> {
    let parents: std::collections::HashSet<&str> = snapshot
        .matters
        .values()
        .filter_map(|m| m.parent_code.as_deref())
        .collect();
    let mut leaves: Vec<&MatterType> = snapshot
        .matters
        .values()
        .filter(|m| !parents.contains(m.code.as_str()))
        .collect();
    leaves.sort_by(|a, b| a.code.cmp(&b.code));
    leaves
}

pub fn service(snapshot: &Snapshot, matter: &MatterType, lang: Lang) -> Value {
    let group = matter
        .parent_code
        .as_deref()
        .and_then(|p| snapshot.matters.get(p))
        .map(|p| lang.pick(&p.name_zh, &p.name_en).to_owned());
    json!({
        "service_code": matter.code,
        "service_name": lang.pick(&matter.name_zh, &matter.name_en),
        "description": service_notice(matter, lang),
        // Every service has the grid attribute (and the deadline as information).
        "metadata": true,
        "type": "realtime",
        "keywords": (!matter.keywords.is_empty()).then(|| matter.keywords.join(",")),
        "group": group,
    })
}

/// The code of the attribute that names a grid, for requests without a position.
pub const GRID_ATTRIBUTE: &str = "grid";

pub fn service_definition(snapshot: &Snapshot, matter: &MatterType, lang: Lang) -> Value {
    let mut grids: Vec<_> = snapshot
        .regions
        .values()
        .filter(|r| r.level == RegionLevel::Grid)
        .collect();
    grids.sort_by(|a, b| a.code.cmp(&b.code));
    let values: Vec<Value> = grids
        .iter()
        .map(|g| json!({ "key": g.code, "name": lang.pick(&g.name_zh, &g.name_en) }))
        .collect();
    let (grid_text, deadline_text) = match lang {
        Lang::Zh => (
            "所在网格：没有经纬度和地址时请选择",
            format!("办理时限：{}", service_notice(matter, lang)),
        ),
        Lang::En => (
            "The grid it is in: choose one when there is no position or address",
            format!("Handling time: {}", service_notice(matter, lang)),
        ),
    };
    json!({
        "service_code": matter.code,
        "attributes": [
            {
                "variable": true,
                "code": GRID_ATTRIBUTE,
                "datatype": "singlevaluelist",
                "required": false,
                "datatype_description": null,
                "order": 1,
                "description": grid_text,
                "values": values,
            },
            {
                "variable": false,
                "code": "deadline",
                "datatype": "text",
                "required": false,
                "datatype_description": null,
                "order": 2,
                "description": deadline_text,
            },
        ],
    })
}

/// Open or closed, as the spec knows them: done (answered, waiting for the rating)
/// counts as closed.
pub fn open_or_closed(status: Status) -> &'static str {
    match status {
        Status::Done | Status::Closed => "closed",
        _ => "open",
    }
}

/// What a request shows. `partner`: asked with a valid api_key (a system the city
/// works with): the description, the address and the exact position too. Anyone else
/// gets the position to about 100 m and neither the words nor the address, which may
/// name a person; the complainant's name and phone are never shown.
pub struct RequestView<'a> {
    pub ticket: &'a TicketRecord,
    /// The note of the newest public timeline entry.
    pub notes: Option<&'a str>,
    /// When the timeline last changed.
    pub updated: OffsetDateTime,
    pub partner: bool,
    pub lang: Lang,
}

/// What names a request to anyone without an api_key: the ticket's row id behind a
/// prefix. It opens nothing but this public view; the tracking code, which with the
/// phone's proof opens the whole complaint, is shown only to partners.
pub fn public_id(ticket_id: i64) -> String {
    format!("{PUBLIC_ID_PREFIX}{ticket_id}")
}

const PUBLIC_ID_PREFIX: &str = "r_";

/// Reads a public id back ([`public_id`]); never a tracking code (`_` is not in their
/// alphabet).
pub fn parse_public_id(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(PUBLIC_ID_PREFIX)?;
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A request's `service_request_id`s as asked for: tracking codes count only for a
/// partner, public ids for anyone; anything else names nothing.
pub fn named(ids: &[&str], partner: bool) -> (Vec<String>, Vec<i64>) {
    let mut codes = Vec::new();
    let mut rows = Vec::new();
    for id in ids {
        if let Some(row) = parse_public_id(id) {
            rows.push(row);
        } else if partner && let Ok(code) = gridline_core::tracking::TrackingCode::parse(id) {
            codes.push(code.as_str().to_owned());
        }
    }
    (codes, rows)
}

/// Whether a timeline entry is what `status_notes` may carry: a unit's public reply
/// (taking the ticket on, progress it chose to show, its resolution) with words in it.
/// Never a resident's words (a rating's comment), nor an internal step.
pub fn is_public_reply(entry: &gridline_core::api::ticket::TimelineEntry) -> bool {
    const REPLIES: [Action; 3] = [Action::Accept, Action::Progress, Action::Resolve];
    entry.public
        && entry.unit_code.is_some()
        && !entry.note.trim().is_empty()
        && REPLIES.iter().any(|a| a.as_str() == entry.kind)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

pub fn request(snapshot: &Snapshot, view: &RequestView<'_>) -> Value {
    let t = view.ticket;
    let lang = view.lang;
    let matter = snapshot.matters.get(&t.matter_code);
    let unit = t
        .lead_unit_code
        .as_deref()
        .and_then(|c| snapshot.units.get(c))
        .map(|u| lang.pick(&u.name_zh, &u.name_en).to_owned());
    let position = |x: Option<f64>| x.map(|x| if view.partner { x } else { round3(x) });
    let notes = view.notes.filter(|note| !note.is_empty());
    json!({
        "service_request_id": if view.partner { t.tracking_code.clone() } else { public_id(t.id) },
        "status": open_or_closed(t.state.status),
        "status_notes": notes,
        "service_name": matter.map(|m| lang.pick(&m.name_zh, &m.name_en)),
        "service_code": t.matter_code,
        "description": view.partner.then_some(t.description.as_str()),
        "agency_responsible": unit,
        "service_notice": matter.map(|m| service_notice(m, lang)),
        "requested_datetime": w3c(t.created_at),
        "updated_datetime": w3c(view.updated),
        "expected_datetime": t.handling_due.map(w3c),
        "address": (view.partner && !t.address.is_empty()).then_some(t.address.as_str()),
        "address_id": null,
        "zipcode": null,
        "lat": position(t.lat),
        "long": position(t.lon),
        "media_url": null,
        // The detailed state (v2 knows only open and closed), as the GeoReport v2
        // extensions name it.
        "extended_attributes": { "detailed_status": t.state.status.as_str() },
    })
}

#[cfg(test)]
mod tests;

//! The knowledge base (解答知识库): standard answers to what callers and residents
//! ask, shared by the platform and the units; enquiries answered from it; and the
//! matter types suggested from a caller's or resident's words.

use serde::{Deserialize, Serialize};

use super::error::{FieldError, FieldIssue, Validator};

/// The longest question, in characters.
pub const QUESTION_MAX: usize = 200;
/// The longest standard answer, in characters.
pub const ANSWER_MAX: usize = 4000;
/// The longest text a suggestion is asked for, in characters (longer is cut).
pub const SUGGEST_TEXT_MAX: usize = 500;

/// One standard answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KnowledgeEntry {
    pub id: i64,
    #[serde(flatten)]
    pub fields: KnowledgeFields,
}

/// What an entry says and whose it is: `POST /api/v1/knowledge`,
/// `PUT /api/v1/knowledge/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KnowledgeFields {
    pub question: String,
    pub answer: String,
    /// The matter types it answers for (may be none).
    #[serde(default)]
    pub matter_codes: Vec<String>,
    /// First and last day it holds, `YYYY-MM-DD` (none: open).
    #[serde(default)]
    pub valid_from: Option<String>,
    #[serde(default)]
    pub valid_to: Option<String>,
    /// The unit that keeps it up to date (none: the platform).
    #[serde(default)]
    pub owner_unit_code: Option<String>,
}

impl KnowledgeFields {
    /// The checks that need nothing stored (matter types and units are checked by the
    /// server).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::new();
        v.text("question", &self.question, 1, QUESTION_MAX);
        v.text("answer", &self.answer, 1, ANSWER_MAX);
        for (name, day) in [
            ("valid_from", &self.valid_from),
            ("valid_to", &self.valid_to),
        ] {
            if day.as_deref().is_some_and(|d| !is_day(d)) {
                v.add(name, FieldIssue::Invalid, "a day as YYYY-MM-DD");
            }
        }
        if let (Some(from), Some(to)) = (&self.valid_from, &self.valid_to)
            && is_day(from)
            && is_day(to)
            && from > to
        {
            v.add("valid_to", FieldIssue::Invalid, "not before valid_from");
        }
        if self.matter_codes.len() > 20 {
            v.add(
                "matter_codes",
                FieldIssue::TooLong,
                "at most 20 matter types",
            );
        }
        v.finish()
    }
}

/// `YYYY-MM-DD` with a month and a day that can exist (the server checks the calendar).
fn is_day(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&text[5..7].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&text[8..10].parse::<u8>().unwrap_or(0))
}

/// `GET /api/v1/knowledge?q=`: the entries that answer the words, best first (all, by
/// id, without `q`; staff only).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct KnowledgeQuery {
    #[serde(default)]
    pub q: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KnowledgeResponse {
    pub entries: Vec<KnowledgeEntry>,
}

/// `GET /api/v1/suggest?text=`: what the words are probably about, for anyone filing.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct SuggestQuery {
    pub text: String,
}

/// A standard answer as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerHit {
    pub id: i64,
    pub question: String,
    pub answer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuggestResponse {
    /// The three likeliest matter types (leaf codes), likeliest first; fewer when the
    /// words say too little.
    pub matters: Vec<String>,
    /// Standard answers that may settle it (在这些解答中也许能找到答案), best first.
    pub answers: Vec<AnswerHit>,
}

/// `POST /api/v1/enquiries`: an enquiry an operator answered (咨询), recorded closed:
/// counted, never a ticket of any unit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnquiryRequest {
    /// What the caller asked, in their words.
    pub text: String,
    /// The standard answer given, if one was.
    #[serde(default)]
    pub entry_id: Option<i64>,
    #[serde(default)]
    pub matter_code: Option<String>,
    /// The telephone system's id of the call.
    #[serde(default)]
    pub call_id: Option<String>,
}

impl EnquiryRequest {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::new();
        v.text("text", &self.text, 1, ANSWER_MAX);
        if let Some(call) = &self.call_id {
            v.text("call_id", call, 1, 100);
        }
        v.finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnquiryCreated {
    pub id: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_needs_its_question_answer_and_real_days_in_order() {
        let mut entry = KnowledgeFields {
            question: "楼道照明损坏怎么办".into(),
            answer: "请联系物业".into(),
            ..Default::default()
        };
        assert!(entry.validate().is_ok());
        entry.valid_from = Some("2026-13-01".into());
        entry.valid_to = Some("2026-01-01".into());
        let fields: Vec<String> = entry
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["valid_from"]);
        entry.valid_from = Some("2026-02-01".into());
        assert!(entry.validate().is_err(), "to before from");
        entry.question = " ".into();
        entry.valid_to = None;
        assert!(entry.validate().is_err());
    }
}

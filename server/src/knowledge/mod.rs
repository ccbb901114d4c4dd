//! The knowledge base (解答知识库) and the matter type from a caller's or resident's
//! words (issue 17).
//!
//! - `text.rs`: Chinese text as terms (characters, pairs, concepts).
//! - `search.rs`: BM25 over the entries; `classify.rs`: naive Bayes over matter types.
//! - `store.rs`/`sql.rs`: the entries and the enquiries as stored.
//! - `csv.rs`: the entries as CSV (`gridline knowledge import|export`).
//! - `routes.rs`: `/api/v1/knowledge`, `/api/v1/suggest`, `/api/v1/enquiries`.
//!
//! Both the index and the classifier live in memory, built from the store by the
//! [`SuggestCache`]: again when the reference revision changes (every write to the
//! entries bumps it, in any process) and at least hourly, for the new tickets.

pub mod classify;
pub mod csv;
pub mod routes;
pub mod search;
pub mod store;
pub mod text;

use std::sync::Arc;
use std::time::{Duration, Instant};

use gridline_core::api::knowledge::{AnswerHit, KnowledgeEntry, SuggestResponse};
use tokio::sync::Mutex;

use crate::Store;
use crate::catalogue::cache::Snapshot;
use crate::store::shared::StoreResult;
use classify::Classifier;
use search::Index;

/// How many past tickets the classifier learns from (the latest).
pub const TRAINING_TICKETS: i64 = 20_000;
/// How many standard answers a suggestion carries at most.
pub const ANSWERS: usize = 3;

/// The search index and the classifier, built together from one reading of the store.
pub struct Suggester {
    entries: Vec<KnowledgeEntry>,
    index: Index,
    classifier: Classifier,
}

impl Suggester {
    /// Learns from the catalogue's leaf matter types (names and keywords weigh three
    /// sentences), the entries (for their matter types) and past tickets.
    pub fn build(
        snapshot: &Snapshot,
        entries: Vec<KnowledgeEntry>,
        tickets: &[(String, String)],
    ) -> Suggester {
        let is_leaf = |code: &str| {
            snapshot.matters.contains_key(code)
                && !snapshot
                    .matters
                    .values()
                    .any(|m| m.parent_code.as_deref() == Some(code))
        };
        let mut classifier = Classifier::default();
        let mut leaves: Vec<_> = snapshot
            .matters
            .values()
            .filter(|m| is_leaf(&m.code))
            .collect();
        leaves.sort_by(|a, b| a.code.cmp(&b.code));
        for m in leaves {
            classifier.learn(&m.code, &m.name_zh, 3.0, false);
            for keyword in &m.keywords {
                classifier.learn(&m.code, keyword, 3.0, false);
            }
            // Its category's words say something about it too (噪音 for each noise).
            if let Some(parent) = m.parent_code.as_ref().and_then(|p| snapshot.matters.get(p)) {
                classifier.learn(&m.code, &parent.name_zh, 1.0, false);
                for keyword in &parent.keywords {
                    classifier.learn(&m.code, keyword, 1.0, false);
                }
            }
        }
        let mut index = Index::default();
        for entry in &entries {
            let f = &entry.fields;
            let names: Vec<&str> = f
                .matter_codes
                .iter()
                .filter_map(|c| snapshot.matters.get(c).map(|m| m.name_zh.as_str()))
                .collect();
            index.add(&format!(
                "{q} {q} {a} {names}",
                q = f.question,
                a = f.answer,
                names = names.join(" ")
            ));
            for code in f.matter_codes.iter().filter(|c| is_leaf(c)) {
                classifier.learn(code, &f.question, 2.0, false);
                classifier.learn(code, &f.answer, 0.5, false);
            }
        }
        for (code, description) in tickets {
            if is_leaf(code) {
                classifier.learn(code, description, 1.0, true);
            }
        }
        Suggester {
            entries,
            index,
            classifier,
        }
    }

    /// The three likeliest matter types for `text`.
    pub fn matters(&self, text: &str) -> Vec<String> {
        self.classifier.top(text, 3)
    }

    /// The entries that answer `text` and hold on `today` (`YYYY-MM-DD`), best first.
    pub fn search(&self, text: &str, today: &str, limit: usize) -> Vec<&KnowledgeEntry> {
        self.index
            .search(text, self.entries.len())
            .into_iter()
            .map(|(i, _)| &self.entries[i])
            .filter(|e| holds(e, today))
            .take(limit)
            .collect()
    }

    pub fn suggest(&self, text: &str, today: &str) -> SuggestResponse {
        SuggestResponse {
            matters: self.matters(text),
            answers: self
                .search(text, today, ANSWERS)
                .into_iter()
                .map(|e| AnswerHit {
                    id: e.id,
                    question: e.fields.question.clone(),
                    answer: e.fields.answer.clone(),
                })
                .collect(),
        }
    }
}

/// Checks a CSV file (`csv.rs`) against what is stored and makes the entries its
/// rows, all or nothing; how many there are.
pub async fn import_csv(
    store: &dyn Store,
    text: &str,
) -> Result<usize, crate::catalogue::import::problems::ImportError> {
    let entries = csv::parse_knowledge(
        text,
        &store.list_matter_types().await?,
        &store.list_units().await?,
        &store.knowledge_entries().await?,
    )
    .map_err(crate::catalogue::import::problems::ImportError::Invalid)?;
    store
        .replace_knowledge(&entries, time::OffsetDateTime::now_utc())
        .await?;
    Ok(entries.len())
}

/// Whether `entry` holds on `today` (days compare as `YYYY-MM-DD` text).
pub fn holds(entry: &KnowledgeEntry, today: &str) -> bool {
    entry
        .fields
        .valid_from
        .as_deref()
        .is_none_or(|from| from <= today)
        && entry
            .fields
            .valid_to
            .as_deref()
            .is_none_or(|to| today <= to)
}

/// The current [`Suggester`], rebuilt when the reference revision moves or an hour
/// has passed.
#[derive(Default)]
pub struct SuggestCache {
    current: Mutex<Option<(i64, Instant, Arc<Suggester>)>>,
}

impl SuggestCache {
    const KEEP: Duration = Duration::from_secs(3600);

    pub async fn get(&self, store: &dyn Store, snapshot: &Snapshot) -> StoreResult<Arc<Suggester>> {
        let mut slot = self.current.lock().await;
        if let Some((revision, at, suggester)) = slot.as_ref()
            && *revision == snapshot.revision
            && at.elapsed() < Self::KEEP
        {
            return Ok(suggester.clone());
        }
        let entries = store.knowledge_entries().await?;
        let tickets = store.training_tickets(TRAINING_TICKETS).await?;
        let suggester = Arc::new(Suggester::build(snapshot, entries, &tickets));
        *slot = Some((snapshot.revision, Instant::now(), suggester.clone()));
        Ok(suggester)
    }
}

//! The knowledge base's search: BM25 over the terms of each entry (its question twice,
//! its answer and its matter types' names once), each term weighted by what it says
//! (`text::weight`).

use std::collections::HashMap;

use super::text::{terms, weight};

const K1: f64 = 1.2;
const B: f64 = 0.75;
/// The least score a hit needs: about one shared pair of characters or concept, not
/// just a few common single characters.
const MIN_SCORE: f64 = 0.5;

/// An index of documents numbered in the order they were added.
#[derive(Debug, Default)]
pub struct Index {
    /// Per document: its terms' counts, and its length.
    docs: Vec<(HashMap<String, u32>, f64)>,
    /// In how many documents each term is.
    df: HashMap<String, u32>,
}

impl Index {
    pub fn add(&mut self, text: &str) {
        let mut counts: HashMap<String, u32> = HashMap::new();
        let all = terms(text);
        let len = all.len() as f64;
        for t in all {
            *counts.entry(t).or_default() += 1;
        }
        for t in counts.keys() {
            *self.df.entry(t.clone()).or_default() += 1;
        }
        self.docs.push((counts, len));
    }

    /// The documents that match `query`, best first, with their scores; at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<(usize, f64)> {
        if self.docs.is_empty() {
            return Vec::new();
        }
        let n = self.docs.len() as f64;
        let average = self.docs.iter().map(|(_, len)| len).sum::<f64>() / n;
        let mut query_terms = terms(query);
        query_terms.sort();
        query_terms.dedup();
        // How much the query says, so that an entry matching more of it ranks above one
        // matching a part of it more often (the coordination factor).
        let said: f64 = query_terms.iter().map(|t| weight(t)).sum();
        let mut scored: Vec<(usize, f64)> = self
            .docs
            .iter()
            .enumerate()
            .map(|(i, (counts, len))| {
                let (mut score, mut matched) = (0.0, 0.0);
                for t in &query_terms {
                    let Some(tf) = counts.get(t).map(|tf| f64::from(*tf)) else {
                        continue;
                    };
                    let df = f64::from(self.df[t]);
                    let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
                    let norm = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / average));
                    score += weight(t) * idf * norm;
                    matched += weight(t);
                }
                (i, score * matched / said)
            })
            .filter(|(_, score)| *score >= MIN_SCORE)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.truncate(limit);
        scored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(texts: &[&str]) -> Index {
        let mut index = Index::default();
        for t in texts {
            index.add(t);
        }
        index
    }

    #[test]
    fn other_words_for_the_same_thing_find_it_first() {
        let index = index(&[
            "小区停车位不够怎么办 请联系物业",
            "楼道照明损坏 楼道照明损坏 由物业维修，一般三个工作日内修复",
            "供暖不热 室温低于18度可申请上门测温",
            "噪音扰民 夜间施工噪声请拨打",
        ]);
        let hits = index.search("楼道灯不亮", 5);
        assert_eq!(hits.first().map(|h| h.0), Some(1), "{hits:?}");
        assert!(index.search("暖气不热", 5)[0].0 == 2);
    }

    #[test]
    fn words_that_share_only_common_characters_find_nothing() {
        let index = index(&["楼道照明损坏", "供暖不热"]);
        assert!(index.search("的了是", 5).is_empty());
        assert!(Index::default().search("楼道", 5).is_empty());
    }
}

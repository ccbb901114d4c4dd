//! The matter type from a description: a multinomial naive Bayes classifier over the
//! same terms as the search (`text.rs`), trained from what the server has: the
//! catalogue's names and keywords, the knowledge base's entries, and past tickets'
//! descriptions with the matter type they were finally handled as. Nothing is
//! downloaded; it is rebuilt with the knowledge base's index (`mod.rs`).

use std::collections::HashMap;

use super::text::{terms, weight};

/// Keeps a term no class has yet from a zero probability.
const ALPHA: f64 = 0.05;
/// How strongly a class's words are smoothed toward all classes' (in weighted terms).
const MU: f64 = 20.0;

#[derive(Debug, Default)]
pub struct Classifier {
    /// Per class: each term's weighted count, and the total.
    classes: HashMap<String, (HashMap<String, f64>, f64)>,
    /// How many examples each class had (past tickets count as examples).
    examples: HashMap<String, f64>,
    vocabulary: std::collections::HashSet<String>,
}

impl Classifier {
    /// Learns that `text` is about `class`, `times` over (names and keywords say more
    /// than a sentence of a ticket). An `example` is a ticket: the classes' priors
    /// are how often each had one.
    pub fn learn(&mut self, class: &str, text: &str, times: f64, example: bool) {
        let (counts, total) = self.classes.entry(class.to_owned()).or_default();
        for t in terms(text) {
            let w = weight(&t) * times;
            *counts.entry(t.clone()).or_default() += w;
            *total += w;
            self.vocabulary.insert(t);
        }
        *self.examples.entry(class.to_owned()).or_default() += f64::from(u8::from(example));
    }

    /// The `n` likeliest classes for `text`, likeliest first; none when no term of the
    /// text was ever seen.
    ///
    /// Each class's term distribution is smoothed toward all classes' together
    /// (Dirichlet, as in query-likelihood retrieval), so words every class might have
    /// (places, "please deal with it") cost each class alike; and each term counts by
    /// how few classes use it, so "小区" in a place name decides less than "井盖".
    pub fn top(&self, text: &str, n: usize) -> Vec<String> {
        // Each term once: a word said over and over is not more evidence.
        let mut seen: Vec<String> = terms(text)
            .into_iter()
            .filter(|t| self.vocabulary.contains(t))
            .collect();
        seen.sort();
        seen.dedup();
        if seen.is_empty() {
            return Vec::new();
        }
        let classes = self.classes.len() as f64;
        let mut background: HashMap<&str, f64> = HashMap::new();
        let mut spread: HashMap<&str, f64> = HashMap::new();
        for (counts, _) in self.classes.values() {
            for t in &seen {
                if let Some(c) = counts.get(t) {
                    *background.entry(t).or_default() += c;
                    *spread.entry(t).or_default() += 1.0;
                }
            }
        }
        let all: f64 = self.classes.values().map(|(_, total)| total).sum();
        let all_examples: f64 = self.examples.values().sum();
        let mut scored: Vec<(&String, f64)> = self
            .classes
            .iter()
            .map(|(class, (counts, total))| {
                // A mild prior: how common the class was, dampened so that the words
                // decide.
                let prior = ((self.examples[class] + 1.0) / (all_examples + classes)).ln() * 0.3;
                let likelihood: f64 = seen
                    .iter()
                    .map(|t| {
                        let count = counts.get(t).copied().unwrap_or(0.0);
                        let p_all = (background[t.as_str()] + ALPHA) / (all + ALPHA);
                        let p = (count + MU * p_all) / (total + MU);
                        let idf = (classes / spread[t.as_str()]).ln() + 1.0;
                        weight(t) * idf * p.ln()
                    })
                    .sum();
                (class, prior + likelihood)
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        scored.into_iter().take(n).map(|(c, _)| c.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_from_names_keywords_and_sentences() {
        let mut c = Classifier::default();
        c.learn("0401", "电梯故障 电梯 困人", 3.0, false);
        c.learn("0301", "停水 没水", 3.0, false);
        c.learn("0201", "路灯不亮 路灯 照明", 3.0, false);
        c.learn("0201", "晚上小区门口的路灯一直不亮", 1.0, true);
        assert_eq!(c.top("我们楼的电梯又坏了，把人关在里面", 3)[0], "0401");
        assert_eq!(c.top("家里从早上开始就没有水", 1), ["0301"]);
        assert_eq!(c.top("门口灯坏了", 1), ["0201"]);
        assert!(c.top("abc", 3).is_empty());
        assert_eq!(c.top("电梯", 3).len(), 3);
    }
}

//! Chinese text as terms, for the knowledge base's search and the matter-type
//! classifier: every Han character and every pair of neighbouring ones (most Chinese
//! words are two characters: no dictionary or word segmenter is needed to catch
//! them), Latin words and numbers whole, and a concept for each group of words that
//! residents use for the same thing (灯/照明, 不亮/损坏/故障, …).
//!
//! Why not the databases' own full-text search: SQLite's FTS5 `trigram` tokenizer and
//! PostgreSQL's `pg_trgm` both match three-character pieces, so "楼道灯不亮" shares
//! nothing with "楼道照明损坏" (only the two-character "楼道"); and two backends would
//! rank differently. One index in the server, built from the stored entries, searches
//! the same on both (docs/design.md, "Knowledge base search").

/// Groups of words that say the same thing in complaints, each with its concept's
/// name. A text containing any word of a group gets the concept as a term.
const THESAURUS: &[(&str, &[&str])] = &[
    ("照明", &["灯", "照明", "灯光", "路灯", "灯泡"]),
    (
        "损坏",
        &[
            "坏",
            "损坏",
            "故障",
            "不亮",
            "失灵",
            "破损",
            "破了",
            "不能用",
            "不工作",
            "没反应",
        ],
    ),
    ("噪声", &["噪音", "噪声", "吵", "扰民", "声音大", "轰鸣"]),
    ("垃圾", &["垃圾", "废弃物", "废物", "垃圾桶"]),
    ("漏水", &["漏水", "渗水", "跑水", "滴水", "渗漏"]),
    ("停水", &["停水", "没水", "断水", "不来水"]),
    ("供暖", &["暖气", "供暖", "采暖", "不热", "暖和"]),
    ("电梯", &["电梯", "升降梯", "困人", "关人"]),
    ("停车", &["停车", "车位", "乱停", "占用车道"]),
    ("楼道", &["楼道", "楼梯间", "走廊", "单元门口", "过道"]),
    ("气味", &["臭", "异味", "气味", "味道", "熏"]),
    ("道路", &["路面", "马路", "道路", "坑", "塌陷"]),
    ("燃气", &["燃气", "煤气", "天然气", "漏气"]),
    ("工资", &["工资", "欠薪", "拖欠", "薪水", "工钱"]),
    ("施工", &["施工", "工地", "夜间施工", "打桩"]),
    ("树木", &["树", "树木", "树枝", "绿化"]),
    ("污水", &["污水", "下水道", "堵塞", "返水", "井盖"]),
    ("宠物", &["狗", "犬", "宠物", "猫"]),
];

/// Whether `c` is a Han character.
fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// The terms of `text`, repeated as often as they occur. Concepts are written
/// `#name`, so they never equal a character pair.
pub fn terms(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut out = Vec::new();
    let mut previous: Option<char> = None;
    let mut word = String::new();
    for c in lower.chars() {
        if is_han(c) {
            out.push(c.to_string());
            if let Some(p) = previous {
                out.push([p, c].iter().collect());
            }
            previous = Some(c);
        } else {
            previous = None;
        }
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    for (concept, words) in THESAURUS {
        let found = words.iter().filter(|w| lower.contains(*w)).count();
        for _ in 0..found.min(2) {
            out.push(format!("#{concept}"));
        }
    }
    out
}

/// How much a term says: a single character little, a pair or a word more, a
/// concept most.
pub fn weight(term: &str) -> f64 {
    if term.starts_with('#') {
        1.5
    } else if term.chars().count() == 1 && term.chars().all(is_han) {
        0.3
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_text_gives_characters_pairs_and_concepts() {
        let t = terms("楼道灯不亮");
        for expected in ["楼", "楼道", "灯不", "不亮", "#照明", "#损坏", "#楼道"] {
            assert!(t.contains(&expected.to_owned()), "{expected} in {t:?}");
        }
        assert!(!t.contains(&"道灯不".to_owned()));
    }

    #[test]
    fn latin_words_stay_whole_and_punctuation_breaks_pairs() {
        let t = terms("WiFi 5G，好");
        assert!(t.contains(&"wifi".to_owned()));
        assert!(t.contains(&"5g".to_owned()));
        assert!(!t.iter().any(|x| x.contains('，')));
        assert_eq!(weight("#照明"), 1.5);
        assert_eq!(weight("楼"), 0.3);
        assert_eq!(weight("楼道"), 1.0);
    }
}

//! Recognising row labels: exact, by the label's core words, as the tail of a glued cell,
//! or by closeness to the template label (typos), in that order of trust.

use std::borrow::Cow;

use rapidfuzz::distance::levenshtein;

use super::tokenize::normalize_label;
use crate::template::TableSpec;

/// How a text token was matched to a row label.
#[derive(Debug, Clone, PartialEq)]
pub enum MatchKind {
    /// The label or a known variant, ordinal punctuation aside.
    Exact,
    /// The same words under another ordinal (`（1）`, `1、`) or none.
    Core,
    /// The label ends a longer cell (`三、本年度办理结果（一）予以公开`).
    Suffix,
    /// The start of a label wrapped around its figures (PDF layouts): `（二）部分公开（区分处理的，`.
    Prefix,
    /// Close to the label but not equal (a typo); the similarity is kept for the finding.
    Fuzzy(f64),
}

#[derive(Debug, Clone)]
struct Entry {
    row: usize,
    full: String,
    core: String,
    full_chars: usize,
    core_chars: usize,
    /// Which characters the core has, hashed to 64 bits (see [`char_signature`]).
    core_signature: u64,
    /// The label's first and last characters: a label can only start or end a token that
    /// starts or ends the same way, a test far cheaper than comparing the text.
    first: char,
    last: char,
}

/// A 64-bit set of the characters of `s` (each hashed to one bit). Every character one string
/// has and the other lacks costs an edit, and a shared bit can only hide a difference, so
/// the bits one side has alone give a lower bound of the edit distance at the cost of a
/// popcount.
fn char_signature(s: &str) -> u64 {
    s.chars().fold(0, |sig, c| {
        sig | 1 << ((c as u32).wrapping_mul(0x9E37_79B9) >> 26)
    })
}

/// The labels of one table, prepared for matching.
#[derive(Debug, Clone)]
pub struct LabelIndex {
    entries: Vec<Entry>,
}

/// Cores shorter than this are too generic (`总计`, `其他`) to match without their ordinal.
const MIN_CORE_CHARS: usize = 4;
/// A label's start must be this long to stand for the label (`（二）部分公开（` is 8).
const MIN_PREFIX_CHARS: usize = 8;
/// Similarity a typo must reach to count as the label.
const FUZZY_THRESHOLD: f64 = 0.72;
/// How much better than any other row's label the best must be.
const FUZZY_MARGIN: f64 = 0.1;
/// Scores under this matter to nothing: not a match, and too far below one to be its rival.
const RUNNER_UP_FLOOR: f64 = FUZZY_THRESHOLD - FUZZY_MARGIN;

/// Whether `c` is a Chinese numeral of the kind ordinals are written with.
fn is_chinese_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

/// The ordinal a normalised label starts with: its byte length and how it is written in
/// canonical form. Hand-written because it runs on every text token of every table.
fn ordinal(s: &str) -> Option<(usize, Ordinal<'_>)> {
    let numerals = |t: &str| -> usize {
        t.char_indices()
            .find(|(_, c)| !is_chinese_numeral(*c))
            .map_or(t.len(), |(i, _)| i)
    };
    let digits = |t: &str| -> usize { t.bytes().take_while(u8::is_ascii_digit).count() };
    if let Some(rest) = s.strip_prefix('(') {
        // `(一)` or `(1)`.
        let n = numerals(rest);
        if n > 0 && rest[n..].starts_with(')') {
            return Some((n + 2, Ordinal::Parenthesised(&s[..n + 2])));
        }
        let d = digits(rest);
        if d > 0 && rest[d..].starts_with(')') {
            return Some((d + 2, Ordinal::Number(&rest[..d])));
        }
        return None;
    }
    let d = digits(s);
    if d > 0 {
        let mark = s[d..]
            .chars()
            .next()
            .filter(|c| matches!(c, '.' | '、' | ',' | ')'))?;
        return Some((d + mark.len_utf8(), Ordinal::Number(&s[..d])));
    }
    let n = numerals(s);
    if n > 0 {
        let mark = s[n..]
            .chars()
            .next()
            .filter(|c| matches!(c, '、' | '.' | ','))?;
        return Some((n + mark.len_utf8(), Ordinal::Numeral(&s[..n])));
    }
    None
}

/// An ordinal's numbering, as written in canonical form.
enum Ordinal<'a> {
    /// `1.`, `1、`, `(1)` → `1.`
    Number(&'a str),
    /// `一、`, `一.` → `一、`
    Numeral(&'a str),
    /// `(一)` as it is.
    Parenthesised(&'a str),
}

/// Canonical form: normalised, with `1、`/`（1）` written `1.` and `一.` written `一、`.
pub fn canonical(s: &str) -> String {
    canonical_of_normalized(&normalize_label(s)).into_owned()
}

/// [`canonical`] of a text already normalised (tokens are); a copy only when an ordinal is
/// rewritten.
fn canonical_of_normalized(norm: &str) -> Cow<'_, str> {
    let Some((len, ord)) = ordinal(norm) else {
        return Cow::Borrowed(norm);
    };
    let (head, mark) = match ord {
        Ordinal::Number(d) => (d, "."),
        Ordinal::Numeral(n) => (n, "、"),
        Ordinal::Parenthesised(p) => (p, ""),
    };
    if norm[..len].strip_prefix(head) == Some(mark) {
        return Cow::Borrowed(norm);
    }
    let mut out = String::with_capacity(norm.len() + 2);
    out.push_str(head);
    out.push_str(mark);
    out.push_str(&norm[len..]);
    Cow::Owned(out)
}

/// The label without its ordinal.
pub fn core(s: &str) -> String {
    strip_ordinal(&canonical(s)).to_string()
}

fn strip_ordinal(s: &str) -> &str {
    ordinal(s).map_or(s, |(len, _)| &s[len..])
}

impl LabelIndex {
    /// Prepares the labels and variants of a table.
    pub fn new(spec: &TableSpec) -> Self {
        let mut entries = Vec::new();
        for (row, r) in spec.rows.iter().enumerate() {
            for label in std::iter::once(&r.label).chain(&r.variants) {
                let full = canonical(label);
                let core = strip_ordinal(&full).to_string();
                entries.push(Entry {
                    row,
                    first: full.chars().next().unwrap_or('\0'),
                    last: full.chars().next_back().unwrap_or('\0'),
                    full_chars: full.chars().count(),
                    core_chars: core.chars().count(),
                    core_signature: char_signature(&core),
                    full,
                    core,
                });
            }
        }
        LabelIndex { entries }
    }

    /// Matches a normalised text token to a row.
    pub fn find(&self, token: &str) -> Option<(usize, MatchKind)> {
        let full = canonical_of_normalized(token);
        let full: &str = &full;
        let tcore = strip_ordinal(full);
        if let Some(e) = self.entries.iter().find(|e| e.full == full) {
            return Some((e.row, MatchKind::Exact));
        }
        if let Some(e) = self
            .entries
            .iter()
            .find(|e| e.core == tcore && e.core_chars >= MIN_CORE_CHARS)
        {
            return Some((e.row, MatchKind::Core));
        }
        let tlen = full.chars().count();
        let (tfirst, tlast) = (
            full.chars().next().unwrap_or('\0'),
            full.chars().next_back().unwrap_or('\0'),
        );
        // The longest label that ends the token wins: `2.重复申请` over `申请`-like tails.
        if let Some(e) = self
            .entries
            .iter()
            .filter(|e| {
                e.last == tlast
                    && e.full_chars >= MIN_CORE_CHARS
                    && tlen <= e.full_chars + 16
                    && full.ends_with(&e.full)
            })
            .max_by_key(|e| e.full.len())
        {
            return Some((e.row, MatchKind::Suffix));
        }
        // A label cut by a wrap: a long enough start of exactly one label.
        if tlen >= MIN_PREFIX_CHARS {
            let mut starts = self.entries.iter().filter(|e| {
                e.first == tfirst && e.full.len() > full.len() && e.full.starts_with(full)
            });
            if let Some(e) = starts.next() {
                if starts.all(|o| o.row == e.row) {
                    return Some((e.row, MatchKind::Prefix));
                }
            }
        }
        self.fuzzy(tcore)
    }

    /// Matches a token that figures follow with no space (`…现行有效件数规章000`, a crawler's
    /// flattened table): the longest label that ends it, however short the label and long
    /// the token, since in a character stream a row's label is whatever text its figures
    /// follow.
    pub fn find_glued_tail(&self, token: &str) -> Option<(usize, MatchKind)> {
        let full = canonical_of_normalized(token);
        // By the whole label, or by its words when the ordinal was lost (`（三）不予公开属于
        // 国家秘密`) and the words are specific enough to stand alone.
        self.entries
            .iter()
            .filter_map(|e| {
                if e.full_chars >= 2 && full.ends_with(&e.full) {
                    Some((e, e.full.len()))
                } else if e.core_chars >= MIN_CORE_CHARS && full.ends_with(&e.core) {
                    Some((e, e.core.len()))
                } else {
                    None
                }
            })
            .max_by_key(|(_, len)| *len)
            .map(|(e, _)| (e.row, MatchKind::Suffix))
    }

    fn fuzzy(&self, tcore: &str) -> Option<(usize, MatchKind)> {
        let n = tcore.chars().count();
        if n < 5 {
            return None;
        }
        let signature = char_signature(tcore);
        let mut close = self
            .entries
            .iter()
            .filter(|e| {
                // The best score the lengths and characters allow; below the runner-up floor
                // a label can neither win nor stand close second, so it is not measured.
                let longest = e.core_chars.max(n) as f64;
                let only_one_side = (e.core_signature & !signature)
                    .count_ones()
                    .max((signature & !e.core_signature).count_ones())
                    as usize;
                let at_least = e.core_chars.abs_diff(n).max(only_one_side);
                let reachable = 1.0 - at_least as f64 / longest;
                e.core_chars >= 5 && e.core_chars.abs_diff(n) <= 5 && reachable >= RUNNER_UP_FLOOR
            })
            .peekable();
        // Most tokens that reach here (headings, notes) are near no label, and the comparator
        // (bit masks of the token, built once for all the labels it is compared with) costs
        // more than every bound above.
        close.peek()?;
        let comparator = levenshtein::BatchComparator::new(tcore.chars());
        let args = levenshtein::Args::default().score_cutoff(RUNNER_UP_FLOOR);
        let mut scored: Vec<(f64, usize)> = close
            .filter_map(|e| {
                let score = comparator.normalized_similarity_with_args(e.core.chars(), &args)?;
                Some((score, e.row))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (best, row) = *scored.first()?;
        let runner_up = scored
            .iter()
            .find(|(_, r)| *r != row)
            .map_or(0.0, |(s, _)| *s);
        // A close second means the typo could be either label: better unmatched than wrong.
        (best >= FUZZY_THRESHOLD && best - runner_up >= FUZZY_MARGIN)
            .then_some((row, MatchKind::Fuzzy(best)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::by_key;
    use rstest::rstest;

    fn find(table: &str, token: &str) -> Option<(String, MatchKind)> {
        let spec = by_key("gov-2021").unwrap().table(table).unwrap();
        let idx = LabelIndex::new(spec);
        idx.find(&normalize_label(token))
            .map(|(r, k)| (spec.rows[r].key.clone(), k))
    }

    #[rstest]
    #[case("（一）予以公开", "granted", MatchKind::Exact)]
    #[case("(七)总计", "total_processed", MatchKind::Exact)]
    #[case("1、属于国家秘密", "denied_state_secret", MatchKind::Exact)]
    #[case("（1）属于国家秘密", "denied_state_secret", MatchKind::Exact)]
    #[case("属于国家秘密", "denied_state_secret", MatchKind::Core)]
    #[case(
        "3.危及“三安全一稳定”",
        "denied_three_safety_one_stability",
        MatchKind::Exact
    )]
    #[case(
        "3.危及\"三安全一稳定\"",
        "denied_three_safety_one_stability",
        MatchKind::Exact
    )]
    #[case("三、本年度办理结果（一）予以公开", "granted", MatchKind::Suffix)]
    #[case(
        "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
        "partially_granted",
        MatchKind::Exact
    )]
    #[case("四、结转下年度继续办理", "carried_forward", MatchKind::Exact)]
    #[case("3.其他", "other_other", MatchKind::Exact)]
    #[case(
        "（二）部分公开（区分处理的，只计这一情形，",
        "partially_granted",
        MatchKind::Prefix
    )]
    #[case(
        "1.申请人无正当理由逾期不补正、",
        "other_no_supplement",
        MatchKind::Prefix
    )]
    fn labels_match(#[case] token: &str, #[case] row: &str, #[case] kind: MatchKind) {
        assert_eq!(find("requests", token), Some((row.to_string(), kind)));
    }

    #[rstest]
    #[case("1、属于国家秘密", "1.属于国家秘密")]
    #[case("（1）属于国家秘密", "1.属于国家秘密")]
    #[case("1.属于国家秘密", "1.属于国家秘密")]
    #[case("1)属于国家秘密", "1.属于国家秘密")]
    #[case("一.本年新收", "一、本年新收")]
    #[case("一、本年新收", "一、本年新收")]
    #[case("（一）予以公开", "(一)予以公开")]
    #[case("十二、其他", "十二、其他")]
    #[case("规章", "规章")]
    #[case("2024年", "2024年")]
    fn canonical_forms(#[case] label: &str, #[case] canonical_form: &str) {
        assert_eq!(canonical(label), canonical_form);
    }

    #[test]
    fn the_signature_bound_never_exceeds_the_edit_distance() {
        let pairs = [
            ("其他法律行政法规禁止公开", "其他法律行政止公开"),
            ("申请人无正当理由逾期不补正", "申请人无正当理由逾期补正"),
            ("行政规范性文件", "规范性文件"),
            ("自然人", "商业企业"),
        ];
        for (a, b) in pairs {
            let (sa, sb) = (char_signature(a), char_signature(b));
            let bound = (sa & !sb).count_ones().max((sb & !sa).count_ones()) as usize;
            let distance = levenshtein::distance(a.chars(), b.chars());
            assert!(bound <= distance, "{a} / {b}: bound {bound} > {distance}");
        }
    }

    #[test]
    fn typos_match_by_closeness() {
        let (row, kind) = find("requests", "2.其他法律行政止公开").unwrap();
        assert_eq!(row, "denied_prohibited_by_law");
        assert!(matches!(kind, MatchKind::Fuzzy(s) if s >= FUZZY_THRESHOLD));
    }

    #[rstest]
    #[case("总计")]
    #[case("其他")]
    #[case("自然人")]
    #[case("商业企业")]
    #[case("(三)不予公开")]
    #[case("三、本年度办理结果")]
    #[case("(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)")]
    fn headings_and_column_labels_do_not_match_rows(#[case] token: &str) {
        assert_eq!(find("requests", token), None);
    }

    #[test]
    fn a_label_ending_the_text_before_its_figures_matches_however_short() {
        let spec = by_key("gov-2021").unwrap().table("proactive").unwrap();
        let idx = LabelIndex::new(spec);
        let tail = |t: &str| {
            idx.find_glued_tail(&normalize_label(t))
                .map(|(r, _)| spec.rows[r].key.clone())
        };
        assert_eq!(
            tail("第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章"),
            Some("regulations".into())
        );
        // The longest label wins: 行政规范性文件, not its variant 规范性文件.
        assert_eq!(
            tail("现行有效件数行政规范性文件"),
            Some("normative_documents".into())
        );
        assert_eq!(tail("本年收费金额（单位：万元）"), None);
        let spec = by_key("gov-2021").unwrap().table("requests").unwrap();
        let idx = LabelIndex::new(spec);
        let found = idx
            .find_glued_tail(&normalize_label("（三）不予公开属于国家秘密"))
            .map(|(r, _)| spec.rows[r].key.as_str());
        assert_eq!(found, Some("denied_state_secret"));
    }

    #[test]
    fn proactive_labels() {
        assert_eq!(
            find("proactive", "规章"),
            Some(("regulations".into(), MatchKind::Exact))
        );
        assert_eq!(
            find("proactive", "规范性文件"),
            Some(("normative_documents".into(), MatchKind::Exact))
        );
        assert_eq!(find("proactive", "信息内容"), None);
        assert_eq!(find("proactive", "本年处理决定数量"), None);
    }
}

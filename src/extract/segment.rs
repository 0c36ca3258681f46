//! Text → sections: where each table's region starts and ends, and the report's year and body.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use super::tokenize::{char_at, line_ranges, push_normalized};
use crate::template::Template;

/// Numerals of the six report sections, in order.
const NUMERALS: [&str; 6] = ["一", "二", "三", "四", "五", "六"];

/// A heading line: which section it opens and its byte range.
#[derive(Debug, Clone, PartialEq)]
struct Heading {
    ordinal: usize,
    line: Range<usize>,
}

/// Finds the region of each template table; `None` where its section heading is absent.
pub fn table_regions(text: &str, template: &Template) -> Vec<Option<Range<usize>>> {
    let headings = headings(text, template);
    template
        .tables
        .iter()
        .map(|t| {
            let ordinal = NUMERALS.iter().position(|n| *n == t.section)?;
            // A table of contents or a repeated page header also matches; the true heading
            // is the one that opens the largest region before another section's heading.
            headings
                .iter()
                .enumerate()
                .filter(|(_, h)| h.ordinal == ordinal)
                .map(|(i, h)| {
                    let end = headings[i + 1..]
                        .iter()
                        .find(|n| n.ordinal != ordinal)
                        .map_or(text.len(), |n| n.line.start);
                    h.line.end..end
                })
                .max_by_key(|r| r.end.saturating_sub(r.start))
        })
        .collect()
}

/// Byte ranges of the text outside the table regions (the prose).
pub fn prose_ranges(text: &str, regions: &[Option<Range<usize>>]) -> Vec<Range<usize>> {
    let mut taken: Vec<Range<usize>> = regions.iter().flatten().cloned().collect();
    taken.sort_by_key(|r| r.start);
    let mut out = Vec::new();
    let mut pos = 0;
    for r in taken {
        if r.start > pos {
            out.push(pos..r.start);
        }
        pos = pos.max(r.end);
    }
    if pos < text.len() {
        out.push(pos..text.len());
    }
    out
}

/// Longest heading, in characters other than white space and cell separators.
const MAX_HEADING_CHARS: usize = 40;

/// Whether `line` has at most `max` characters that are neither white space nor `|` (the
/// length of its normalised text without separators).
fn at_most_chars(line: &str, max: usize) -> bool {
    let mut count = 0;
    let mut i = 0;
    while i < line.len() {
        let (len, space) = char_at(line, i);
        if !space && line.as_bytes()[i] != b'|' {
            count += 1;
            if count > max {
                return false;
            }
        }
        i += len;
    }
    true
}

fn headings(text: &str, template: &Template) -> Vec<Heading> {
    let mut out = line_headings(text, template);
    // A crawler's text holds the whole report on one line: where a table's section has no
    // heading line, its heading is looked for inside the lines, and all sections' headings
    // are taken from the character stream so that each region ends where the next begins.
    let found = |out: &[Heading], ordinal: usize| out.iter().any(|h| h.ordinal == ordinal);
    let missing = template.tables.iter().any(|t| {
        NUMERALS
            .iter()
            .position(|n| *n == t.section)
            .is_some_and(|o| !found(&out, o))
    });
    if missing {
        for h in stream_headings(text, template) {
            let overlaps = out
                .iter()
                .any(|o| o.line.start < h.line.end && h.line.start < o.line.end);
            if !overlaps {
                out.push(h);
            }
        }
        out.sort_by_key(|h| h.line.start);
    }
    out
}

/// Characters after a section numeral within which a heading inside a line must show its
/// section's words: longer than any heading's own words, shorter than the row labels that
/// start with the same numerals and mention a section word further on.
const STREAM_HEADING_WINDOW: usize = 24;

/// Section headings anywhere in the text (`…情况。二、主动公开政府信息情况第二十条…`): a
/// numeral and `、` not preceded by a letter or digit, then the section's words within a short
/// window that holds no figure or sentence end. The heading ends after its words (and the
/// `情况` that usually closes them).
fn stream_headings(text: &str, template: &Template) -> Vec<Heading> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices('、') {
        let Some((num_at, numeral)) = text[..at].char_indices().next_back() else {
            continue;
        };
        let Some(ordinal) = NUMERALS.iter().position(|n| n.starts_with(numeral)) else {
            continue;
        };
        // `第三、` or `十二、` is not a section numeral; a figure before it is the last
        // table row's, glued on.
        if text[..num_at].chars().next_back().is_some_and(|c| {
            matches!(
                c,
                '第' | '十' | '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九'
            )
        }) {
            continue;
        }
        let Some(sec) = template
            .sections
            .iter()
            .find(|s| s.numeral == NUMERALS[ordinal])
        else {
            continue;
        };
        let rest_at = at + '、'.len_utf8();
        let mut window_end = rest_at;
        for (n, (i, c)) in text[rest_at..].char_indices().enumerate() {
            if n >= STREAM_HEADING_WINDOW
                || c.is_ascii_digit()
                || matches!(c, '。' | '；' | ';' | '\n' | '０'..='９')
            {
                break;
            }
            window_end = rest_at + i + c.len_utf8();
        }
        let window = &text[rest_at..window_end];
        let Some(word_end) = sec
            .words
            .iter()
            .filter_map(|w| window.find(w.as_str()).map(|p| p + w.len()))
            .min()
        else {
            continue;
        };
        let end = window[word_end..]
            .find("情况")
            .filter(|p| window[word_end..word_end + p].chars().count() <= 12)
            .map_or(word_end, |p| word_end + p + "情况".len());
        out.push(Heading {
            ordinal,
            line: num_at..rest_at + end,
        });
    }
    out
}

fn line_headings(text: &str, template: &Template) -> Vec<Heading> {
    let mut out = Vec::new();
    for (off, line) in line_ranges(text) {
        let range = off..off + line.len();
        // Cheap test first: a heading starts with a section numeral.
        let first = line
            .trim_start_matches(|c: char| c.is_whitespace() || c == '|')
            .chars()
            .next();
        if !first.is_some_and(|c| matches!(c, '一' | '二' | '三' | '四' | '五' | '六')) {
            continue;
        }
        // Table rows and prose paragraphs also start with numerals, and can be long: count
        // before normalising, and give up at the first character past a heading's length.
        if !at_most_chars(line, MAX_HEADING_CHARS) {
            continue;
        }
        let mut norm = String::with_capacity(line.len());
        for part in line.split('|') {
            push_normalized(part, &mut norm);
        }
        for sec in &template.sections {
            let Some(ordinal) = NUMERALS.iter().position(|n| *n == sec.numeral) else {
                continue;
            };
            let Some(rest) = norm.strip_prefix(sec.numeral.as_str()) else {
                continue;
            };
            let starts_right =
                rest.starts_with('、') || rest.starts_with('.') || rest.starts_with(',');
            if starts_right && sec.words.iter().any(|w| rest.contains(w.as_str())) {
                out.push(Heading {
                    ordinal,
                    line: range.clone(),
                });
                break;
            }
        }
    }
    out
}

fn title_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"([\p{Han}（）()·]{2,40}?)\s*((?:19|20)\d{2})\s*年度?\s*(?:的)?\s*政府信息公开(?:工作)?(?:年度)?(?:报告|年报)")
            .expect("title pattern compiles")
    })
}

fn year_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"((?:19|20)\d{2})\s*年").expect("year pattern compiles"))
}

/// Words that precede the body's name in an opening sentence (`现将宝塔区2024年…`).
const LEAD_INS: &[&str] = &[
    "现予以公布",
    "现予公布",
    "现将",
    "现公布",
    "特发布",
    "发布",
    "公布",
    "编制",
    "本报告为",
    "关于",
];

/// Byte offset of the `n`th character of `s` (its length if it has fewer), counting a chunk of
/// characters at a time: the opening of a report is thousands of characters, and stepping
/// through them one by one cost more than the title search itself.
fn nth_char_boundary(s: &str, n: usize) -> usize {
    let (mut at, mut left) = (0, n);
    while left > 0 && at < s.len() {
        // `left` bytes hold at most `left` characters.
        let mut end = (at + left).min(s.len());
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        if end == at {
            // Fewer bytes left to count than the next character has.
            end = at + s[at..].chars().next().map_or(1, char::len_utf8);
        }
        left -= s[at..end].chars().count();
        at = end;
    }
    at
}

/// The report's year and organisation, from its title or opening sentence.
pub fn report_meta(text: &str) -> (Option<i32>, Option<String>) {
    let head_end = nth_char_boundary(text, 4000);
    let head = &text[..head_end];
    // The title pattern is costly to try at every position: try it only around the words
    // every title contains.
    let title = head.match_indices("政府信息公开").find_map(|(at, _)| {
        let from = head[..at]
            .char_indices()
            .rev()
            .nth(60)
            .map_or(0, |(i, _)| i);
        let to = head[at..]
            .char_indices()
            .nth(24)
            .map_or(head.len(), |(i, _)| at + i);
        title_re().captures(&head[from..to])
    });
    if let Some(c) = title {
        let year = c[2].parse().ok();
        let mut org = c[1].trim().to_string();
        for lead in LEAD_INS {
            if let Some(pos) = org.rfind(lead) {
                org = org[pos + lead.len()..].to_string();
            }
        }
        let org = org
            .trim_matches(|c: char| matches!(c, '（' | '）' | '(' | ')' | '·'))
            .to_string();
        let org = (org.chars().count() >= 2).then_some(org);
        return (year, org);
    }
    // No title: the most frequent plausible year in the opening text.
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for c in year_re().captures_iter(head) {
        if let Ok(y) = c[1].parse::<i32>() {
            if (2008..=2100).contains(&y) {
                match counts.iter_mut().find(|(k, _)| *k == y) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((y, 1)),
                }
            }
        }
    }
    let year = counts.iter().max_by_key(|(y, n)| (*n, *y)).map(|(y, _)| *y);
    (year, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::by_key;
    use rstest::rstest;

    #[rstest]
    #[case("忻州市2020年政府信息公开工作年报\n", Some(2020), Some("忻州市"))]
    #[case(
        "宛城区人民政府办公室2024年政府信息公开工作年度报告",
        Some(2024),
        Some("宛城区人民政府办公室")
    )]
    #[case(
        "要求,现将宝塔区2024年政府信息公开工作年度报告予以公开。",
        Some(2024),
        Some("宝塔区")
    )]
    #[case(
        "规定,现公布汕尾市城区人民政府2024年政府信息公开工作年度报告。",
        Some(2024),
        Some("汕尾市城区人民政府")
    )]
    #[case("本报告统计期限为2023年1月1日至2023年12月31日。", Some(2023), None)]
    fn year_and_body(#[case] text: &str, #[case] year: Option<i32>, #[case] org: Option<&str>) {
        assert_eq!(report_meta(text), (year, org.map(str::to_string)));
    }

    #[test]
    fn regions_skip_a_table_of_contents_and_row_labels_with_numerals() {
        let text = "目录\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n\
                    四、政府信息公开行政复议、行政诉讼情况\n正文\n二、主动公开政府信息情况\n规章 | 1 |\n\
                    三、收到和处理政府信息公开申请情况\n三、本年度办理结果 |\n四、结转下年度继续办理 | 0 |\n\
                    四、政府信息公开行政复议、行政诉讼情况\n0 | 0 |\n五、存在的主要问题及改进情况\n无";
        let t = by_key("gov-2021").unwrap();
        let regions = table_regions(text, t);
        let body = |r: &Option<Range<usize>>| text[r.clone().unwrap()].trim().to_string();
        assert_eq!(body(&regions[0]), "规章 | 1 |");
        assert_eq!(
            body(&regions[1]),
            "三、本年度办理结果 |\n四、结转下年度继续办理 | 0 |"
        );
        assert_eq!(body(&regions[2]), "0 | 0 |");
    }

    proptest::proptest! {
        #[test]
        fn the_nth_character_is_found_by_chunks(s in "\\PC{0,60}", n in 0usize..70) {
            let want = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
            proptest::prop_assert_eq!(nth_char_boundary(&s, n), want);
        }
    }

    #[test]
    fn headings_inside_one_line_open_their_regions() {
        // A crawler's text: the whole report on one line, a figure glued before a heading,
        // row labels that start with section numerals in between.
        let text = "一、总体情况全年公开。二、主动公开政府信息情况第二十条规章000行政事业性收费0\
                    三、收到和处理政府信息公开申请情况申请人情况一、本年新收政府信息公开申请数量1001\
                    三、本年度办理结果(一)予以公开1001四、结转下年度继续办理0000000\
                    四、政府信息公开行政复议、行政诉讼情况行政复议000000000000000\
                    五、存在的主要问题及改进情况无。";
        let t = by_key("gov-2021").unwrap();
        let regions = table_regions(text, t);
        let body = |r: &Option<Range<usize>>| text[r.clone().unwrap()].to_string();
        assert_eq!(body(&regions[0]), "第二十条规章000行政事业性收费0");
        assert!(body(&regions[1]).starts_with("申请人情况一、本年新收"));
        assert!(body(&regions[1]).ends_with("四、结转下年度继续办理0000000"));
        assert_eq!(body(&regions[2]), "行政复议000000000000000");
    }

    #[rstest]
    #[case("第三、收到和处理政府信息公开申请情况")]
    #[case("十三、收到和处理政府信息公开申请情况")]
    #[case("三、本年度办理结果(一)予以公开1001")]
    fn numerals_that_open_no_section(#[case] line: &str) {
        let text = format!("正文{line}其他");
        let t = by_key("gov-2021").unwrap();
        assert_eq!(table_regions(&text, t)[1], None, "{line}");
    }

    #[test]
    fn missing_headings_give_no_region() {
        let t = by_key("gov-2021").unwrap();
        assert_eq!(table_regions("只有正文。", t), vec![None, None, None]);
    }
}

//! The organisation a report names, normalised for the dataset: the body without its office
//! suffix, and the administrative areas its name starts with. Word lists are data
//! (`organization.json`).

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Rules {
    suffixes: Vec<String>,
    municipalities: Vec<String>,
    province: Vec<String>,
    city: Vec<String>,
    county: Vec<String>,
    continues: Vec<String>,
}

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut r: Rules = serde_json::from_str(include_str!("organization.json"))
            .expect("embedded organisation rules are valid");
        // Longest first, so 人民政府办公室 goes before 办公室 and 自治区 before 区.
        for list in [&mut r.suffixes, &mut r.province, &mut r.city, &mut r.county] {
            list.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        }
        r
    })
}

/// The administrative areas a name starts with, as printed (`陕西省`, `延安市`, `宝塔区`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Region {
    pub province: Option<String>,
    pub city: Option<String>,
    pub county: Option<String>,
}

/// The name with whitespace dropped, full-width letters and digits made half-width, and one
/// office suffix (人民政府办公室, 人民政府, 办公室, …) removed from its end; a name that is
/// only a suffix stays as it is.
pub fn normalized(name: &str) -> String {
    let folded: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            c => c,
        })
        .collect();
    for s in &rules().suffixes {
        if let Some(body) = folded.strip_suffix(s.as_str()) {
            if !body.is_empty() {
                return body.to_string();
            }
        }
    }
    folded
}

/// The province, city and county words a (normalised) name starts with. Each level is read
/// once, in that order; reading stops at the first word that is none of them, so a
/// 市场监督管理局 is never read as a city.
pub fn region(name: &str) -> Region {
    let r = rules();
    let chars: Vec<char> = name.chars().collect();
    let mut region = Region::default();
    let mut at = 0;
    // Levels not yet read: 0 province, 1 city, 2 county.
    let mut level = 0;
    while at < chars.len() && level < 3 {
        let Some((len, found)) = token(&chars[at..], level, r) else {
            break;
        };
        let word: String = chars[at..at + len].iter().collect();
        match found {
            0 => region.province = Some(word),
            1 => region.city = Some(word),
            _ => region.county = Some(word),
        }
        level = found + 1;
        at += len;
    }
    region
}

/// The shortest area word at the start of `chars` of a level at or after `from`, with that
/// level. A word has at least one character before its suffix.
fn token(chars: &[char], from: usize, r: &Rules) -> Option<(usize, usize)> {
    const MAX: usize = 10;
    for len in 2..=chars.len().min(MAX) {
        let word: String = chars[..len].iter().collect();
        if let Some(next) = chars.get(len) {
            let pair: String = [chars[len - 1], *next].iter().collect();
            if r.continues.contains(&pair) {
                continue;
            }
        }
        if from == 0 && r.municipalities.contains(&word) {
            return Some((len, 0));
        }
        let lists = [&r.province, &r.city, &r.county];
        for (level, list) in lists.iter().enumerate().skip(from) {
            if list
                .iter()
                .any(|s| word.ends_with(s.as_str()) && word.chars().count() > s.chars().count())
            {
                // 市 after 市 or 州: a county-level city (韩城市 under 渭南市).
                return Some((len, level));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("某县人民政府办公室", "某县")]
    #[case("某县人民政府", "某县")]
    #[case("某市财政局办公室", "某市财政局")]
    #[case("某省人民政府办公厅", "某省")]
    #[case("某市 市场监督管理局", "某市市场监督管理局")]
    #[case("办公室", "办公室")]
    #[case("ＡＢ县", "AB县")]
    fn office_suffixes_are_removed_once(#[case] name: &str, #[case] body: &str) {
        assert_eq!(normalized(name), body);
    }

    fn r(p: Option<&str>, c: Option<&str>, k: Option<&str>) -> Region {
        Region {
            province: p.map(Into::into),
            city: c.map(Into::into),
            county: k.map(Into::into),
        }
    }

    #[rstest]
    #[case(
        "陕西省延安市宝塔区",
        r(Some("陕西省"), Some("延安市"), Some("宝塔区"))
    )]
    #[case("忻州市", r(None, Some("忻州市"), None))]
    #[case("宝塔区", r(None, None, Some("宝塔区")))]
    #[case("北京市朝阳区", r(Some("北京市"), None, Some("朝阳区")))]
    #[case("某市市场监督管理局", r(None, Some("某市"), None))]
    #[case(
        "内蒙古自治区某盟某旗",
        r(Some("内蒙古自治区"), Some("某盟"), Some("某旗"))
    )]
    #[case("渭南市韩城市", r(None, Some("渭南市"), Some("韩城市")))]
    #[case("国家税务总局", r(None, None, None))]
    #[case("", r(None, None, None))]
    fn region_words_are_read_from_the_start(#[case] name: &str, #[case] want: Region) {
        assert_eq!(region(name), want);
    }
}

//! Reading a cell's text as a number of the column's kind.
//!
//! Shared by the extractor (source text) and the review screen (what a person types), so
//! both accept and refuse exactly the same things.

use crate::template::ValueKind;

/// Marks that mean "not applicable" in real tables.
const NOT_APPLICABLE: &[&str] = &["/", "-", "—", "——", "–", "--", "\\", "×"];

/// What a piece of cell text is, before the column is known.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// A number, possibly signed, with its unit if one was printed.
    Number {
        value: f64,
        signed: bool,
        decimal: bool,
        unit: Option<String>,
    },
    /// A not-applicable mark.
    NotApplicable,
    /// A bare unit (`万元`) printed apart from its number.
    Unit(String),
    /// Anything else: a label, a heading, prose.
    Text,
}

/// Folds full-width ASCII (digits, letters, punctuation) and the ideographic space to ASCII.
pub fn fold_width(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// One character of [`fold_width`].
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{2212}' => '-',
        _ => c,
    }
}

/// Parses `[+-]digits[,ddd…][.digits][unit]` by hand: this runs on every value token, and a
/// regex here was most of the extractor's time.
fn parse_number(s: &str) -> Option<(f64, bool, bool, Option<&str>)> {
    // A change is also written in words: `减12` is −12, `增3` is +3.
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => ("+", &s[1..]),
        b'-' => ("-", &s[1..]),
        _ => match (s.strip_prefix('减'), s.strip_prefix('增')) {
            (Some(r), _) => ("-", r),
            (_, Some(r)) => ("+", r),
            _ => ("", s),
        },
    };
    let digits_end = rest
        .bytes()
        .position(|b| !(b.is_ascii_digit() || b == b',' || b == b'.'))
        .unwrap_or(rest.len());
    let (number, unit) = rest.split_at(digits_end);
    let unit = if unit.is_empty() {
        None
    } else if UNITS.contains(&unit) || unit == "%" {
        Some(unit)
    } else {
        return None;
    };
    let (int, frac) = match number.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (number, None),
    };
    if int.is_empty()
        || frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if int.contains(',') {
        // Thousands separators: groups of three after a leading group of one to three.
        let mut groups = int.split(',');
        let first = groups.next()?;
        if first.is_empty() || first.len() > 3 || !groups.all(|g| g.len() == 3) {
            return None;
        }
    }
    if !int.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return None;
    }
    // Only a number with separators needs a copy without them.
    let mut value: f64 = if int.contains(',') {
        let mut plain: String = int.chars().filter(|c| *c != ',').collect();
        if let Some(f) = frac {
            plain.push('.');
            plain.push_str(f);
        }
        plain.parse().ok()?
    } else {
        number.parse().ok()?
    };
    if sign == "-" {
        value = -value;
    }
    Some((value, !sign.is_empty(), frac.is_some(), unit))
}

const UNITS: &[&str] = &[
    "万元", "亿元", "元", "件", "宗", "条", "个", "次", "项", "人次", "家",
];

/// Classifies one whitespace-free piece of cell text.
pub fn classify(piece: &str) -> Piece {
    // Plain figures (`199`) are most values: read them without the general parser. Fifteen
    // digits stay exact in an f64, as the general parser would read them.
    let bytes = piece.as_bytes();
    if !bytes.is_empty() && bytes.len() <= 15 && bytes.iter().all(u8::is_ascii_digit) {
        let value = bytes.iter().fold(0u64, |v, d| v * 10 + u64::from(d - b'0'));
        return Piece::Number {
            value: value as f64,
            signed: false,
            decimal: false,
            unit: None,
        };
    }
    classify_general(piece)
}

/// [`classify`] without the fast path for plain figures.
fn classify_general(piece: &str) -> Piece {
    // Most pieces are Chinese text: anything that cannot start a number, a mark or a unit is.
    let starts_value = piece.chars().next().is_some_and(|c| {
        matches!(c,
            '0'..='9' | '０'..='９'
            | '+' | '-' | '－' | '−' | '/' | '／' | '\\' | '—' | '–' | '×' | '＋'
            | '减' | '增' | '万' | '亿' | '元' | '件' | '宗' | '条' | '个' | '次' | '项' | '人' | '家' | '%')
    });
    if !starts_value {
        return Piece::Text;
    }
    let folded;
    let s = if piece.is_ascii() {
        piece.trim()
    } else {
        folded = fold_width(piece);
        folded.trim()
    };
    if NOT_APPLICABLE.contains(&s) {
        return Piece::NotApplicable;
    }
    if UNITS.contains(&s) {
        return Piece::Unit(s.to_string());
    }
    match parse_number(s) {
        Some((value, signed, decimal, unit)) => Piece::Number {
            value,
            signed,
            decimal,
            unit: unit.map(str::to_string),
        },
        None => Piece::Text,
    }
}

/// Cell text with its white space removed; a copy only when spaces stand inside
/// (`27326.00 万元`), which is rare, since this runs on every value token.
pub fn without_spaces(raw: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = raw.trim();
    if trimmed.contains(char::is_whitespace) {
        std::borrow::Cow::Owned(trimmed.split_whitespace().collect())
    } else {
        std::borrow::Cow::Borrowed(trimmed)
    }
}

/// Converts printed text to a value of `kind` in the column's `unit`; `Err` says why not.
///
/// `Ok(None)` means the text says "nothing here" (empty).
pub fn parse(raw: &str, kind: ValueKind, unit: Option<&str>) -> Result<Option<f64>, String> {
    let compact = without_spaces(raw);
    let compact: &str = &compact;
    if compact.is_empty() {
        return Ok(None);
    }
    match classify(compact) {
        Piece::Number {
            value,
            signed,
            decimal,
            unit: printed,
        } => {
            if value.abs() > 1.0e12 {
                return Err(format!("{compact} is too large to be a table figure"));
            }
            match kind {
                ValueKind::Count => {
                    if decimal && value.fract() != 0.0 {
                        return Err(format!("{compact}: a count must be a whole number"));
                    }
                    if value < 0.0 || (signed && value == 0.0 && compact.starts_with('-')) {
                        return Err(format!("{compact}: a count cannot be negative"));
                    }
                    Ok(Some(value))
                }
                ValueKind::Change => {
                    if decimal && value.fract() != 0.0 {
                        return Err(format!("{compact}: a change must be a whole number"));
                    }
                    Ok(Some(value))
                }
                ValueKind::Amount => {
                    if value < 0.0 {
                        return Err(format!("{compact}: an amount cannot be negative"));
                    }
                    Ok(Some(convert_money(value, printed.as_deref(), unit)))
                }
            }
        }
        Piece::NotApplicable => Err(format!("{compact} means not applicable, not a number")),
        Piece::Unit(_) | Piece::Text => Err(format!("{compact} is not a number")),
    }
}

/// Expresses an amount printed in `printed` units in the column's `target` unit.
fn convert_money(value: f64, printed: Option<&str>, target: Option<&str>) -> f64 {
    let yuan = |u: &str| match u {
        "元" => Some(1.0),
        "万元" => Some(1.0e4),
        "亿元" => Some(1.0e8),
        _ => None,
    };
    match (printed.and_then(yuan), target.and_then(yuan)) {
        (Some(from), Some(to)) => {
            let v = value * from / to;
            // Round away binary noise from the unit change; amounts carry at most 8 decimals.
            (v * 1.0e8).round() / 1.0e8
        }
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("22", Some(22.0))]
    #[case("２２", Some(22.0))]
    #[case("1,234", Some(1234.0))]
    #[case("36411", Some(36411.0))]
    #[case("0", Some(0.0))]
    #[case("12件", Some(12.0))]
    #[case(" 7 ", Some(7.0))]
    fn counts_parse(#[case] raw: &str, #[case] want: Option<f64>) {
        assert_eq!(parse(raw, ValueKind::Count, None), Ok(want));
    }

    #[rstest]
    #[case("-3", "negative")]
    #[case("1.5", "whole number")]
    #[case("abc", "not a number")]
    #[case("/", "not applicable")]
    #[case("1.属于国家秘密", "not a number")]
    #[case("99999999999999", "too large")]
    fn counts_refuse(#[case] raw: &str, #[case] why: &str) {
        let err = parse(raw, ValueKind::Count, None).unwrap_err();
        assert!(err.contains(why), "{raw}: {err}");
    }

    #[rstest]
    #[case("+4", 4.0)]
    #[case("-185", -185.0)]
    #[case("０", 0.0)]
    #[case("－5", -5.0)]
    fn changes_are_signed(#[case] raw: &str, #[case] want: f64) {
        assert_eq!(parse(raw, ValueKind::Change, None), Ok(Some(want)));
    }

    #[rstest]
    #[case("2181.669177", Some("万元"), 2181.669177)]
    #[case("27326.00万元", None, 27326.0)]
    #[case("251000元", Some("万元"), 25.1)]
    #[case("1.5亿元", Some("万元"), 15000.0)]
    #[case("2110", Some("万元"), 2110.0)]
    fn amounts_convert_units(#[case] raw: &str, #[case] unit: Option<&str>, #[case] want: f64) {
        assert_eq!(parse(raw, ValueKind::Amount, unit), Ok(Some(want)));
    }

    #[rstest]
    #[case("社会公益组织", Piece::Text)]
    #[case("—", Piece::NotApplicable)]
    #[case("万元", Piece::Unit("万元".into()))]
    #[case("- 3 -", Piece::Text)]
    #[case("1.", Piece::Text)]
    #[case("1,23", Piece::Text)]
    #[case("12,345.5", Piece::Number { value: 12345.5, signed: false, decimal: true, unit: None })]
    #[case("+4", Piece::Number { value: 4.0, signed: true, decimal: false, unit: None })]
    #[case("3件", Piece::Number { value: 3.0, signed: false, decimal: false, unit: Some("件".into()) })]
    #[case("3件x", Piece::Text)]
    #[case(".5", Piece::Text)]
    fn pieces_classify(#[case] s: &str, #[case] want: Piece) {
        assert_eq!(classify(s), want);
    }

    #[test]
    fn without_spaces_copies_only_when_spaces_stand_inside() {
        assert!(matches!(
            without_spaces(" 12 "),
            std::borrow::Cow::Borrowed("12")
        ));
        assert_eq!(without_spaces("27326.00 万元"), "27326.00万元");
    }

    #[test]
    fn fold_width_maps_full_width_forms() {
        assert_eq!(fold_width("（一）１２３，４"), "(一)123,4");
    }

    proptest::proptest! {
        #[test]
        fn plain_figures_read_as_the_general_parser_reads_them(s in "[0-9]{1,17}") {
            proptest::prop_assert_eq!(classify(&s), classify_general(&s));
        }
    }
}

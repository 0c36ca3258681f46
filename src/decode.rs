//! Bytes to text: encoding detection (UTF-8 with or without BOM, GB18030/GBK) and line endings.
//!
//! Every span in a report is a byte offset into the text this module returns, so the
//! normalisation done here (BOM removed, CRLF and lone CR turned into LF) is part of the contract.

use std::path::Path;

use crate::error::{Error, Result};

/// Decoded report text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// `utf-8`, `utf-8-bom` or `gb18030`.
    pub encoding: &'static str,
}

/// Decodes a report's bytes; `path` only names the file in errors.
pub fn decode(bytes: &[u8], path: &Path) -> Result<Decoded> {
    let (body, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty { path: path.into() });
    }
    if body.contains(&0) {
        return Err(Error::Binary { path: path.into() });
    }
    let (text, encoding) = match std::str::from_utf8(body) {
        Ok(s) => (s.to_string(), if bom { "utf-8-bom" } else { "utf-8" }),
        Err(_) => {
            let (cow, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(body);
            if had_errors || looks_binary(&cow) {
                return Err(Error::Encoding { path: path.into() });
            }
            (cow.into_owned(), "gb18030")
        }
    };
    if looks_binary(&text) {
        return Err(Error::Binary { path: path.into() });
    }
    Ok(Decoded {
        text: normalize_newlines(text),
        encoding,
    })
}

/// Control characters other than whitespace mean the file is not text.
fn looks_binary(text: &str) -> bool {
    /// Characters looked at, from the start.
    const LOOKED_AT: usize = 65536;
    // Byte by byte: a control character (`char::is_control`, categories U+0000-001F and
    // U+007F-009F) is one ASCII byte or `C2 80`-`C2 9F`. Decoding every character of every
    // report to ask was a fifth of reading one.
    let bytes = text.as_bytes();
    let mut chars = 0;
    let mut controls = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b & 0xC0 != 0x80 {
            chars += 1;
            if chars > LOOKED_AT {
                break;
            }
        }
        let control = match b {
            0x00..=0x08 | 0x0B | 0x0E..=0x1F | 0x7F => true,
            0xC2 => matches!(bytes.get(i + 1), Some(0x80..=0x9F)),
            _ => false,
        };
        controls += usize::from(control);
    }
    controls > 8
}

fn normalize_newlines(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Reads and decodes a file.
pub fn read(path: &Path) -> Result<Decoded> {
    let bytes = std::fs::read(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            Error::NotFound { path: path.into() }
        } else {
            Error::Read {
                path: path.into(),
                source,
            }
        }
    })?;
    decode(&bytes, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const SAMPLE: &str = "二、主动公开政府信息情况\n规章 | 0 |";

    fn p() -> &'static Path {
        Path::new("r.txt")
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode(SAMPLE.as_bytes(), p()).unwrap();
        assert_eq!((plain.text.as_str(), plain.encoding), (SAMPLE, "utf-8"));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(SAMPLE.as_bytes());
        let with = decode(&bom, p()).unwrap();
        assert_eq!((with.text.as_str(), with.encoding), (SAMPLE, "utf-8-bom"));
    }

    #[test]
    fn gb18030_is_detected() {
        let (bytes, _, _) = encoding_rs::GB18030.encode(SAMPLE);
        let d = decode(&bytes, p()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (SAMPLE, "gb18030"));
    }

    #[test]
    fn crlf_and_cr_become_lf() {
        let d = decode("a\r\nb\rc\n".as_bytes(), p()).unwrap();
        assert_eq!(d.text, "a\nb\nc\n");
    }

    #[rstest]
    #[case(b"".as_slice(), "empty")]
    #[case(b"  \n\r\n".as_slice(), "empty")]
    #[case(b"abc\0def".as_slice(), "binary")]
    #[case(b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10".as_slice(), "binary")]
    #[case(b"\xff\xfe\xfd\x80\x80".as_slice(), "neither UTF-8 nor GB18030")]
    fn bad_bytes_name_the_problem(#[case] bytes: &[u8], #[case] needle: &str) {
        let err = decode(bytes, p()).unwrap_err().to_string();
        assert!(err.starts_with("r.txt: "), "{err}");
        assert!(err.contains(needle), "{err}");
    }

    proptest::proptest! {
        /// The byte scan counts exactly the characters the definition names.
        #[test]
        fn binary_test_matches_its_definition(text in "(\\PC|[\\x00-\\x1f\\x7f-\\u{9f}]){0,200}") {
            let by_chars = text
                .chars()
                .take(65536)
                .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
                .count()
                > 8;
            proptest::prop_assert_eq!(looks_binary(&text), by_chars);
        }
    }
}

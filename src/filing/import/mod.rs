//! Import: CSV, JSON, e-SLOG 2.0 and court XML (act 568) into claims. Every row or file ends as
//! imported or rejected with file, row, field, value and reason (design.md §4 step 1).

pub mod csv;
pub mod json;
pub mod rows;

use std::path::Path;

pub use rows::Built;

use crate::store::batches::Rejection;

/// Parses one input file by its kind (extension, then content).
pub fn parse_file(path: &Path) -> Built {
    let file = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return Built {
                claims: vec![],
                rejections: vec![Rejection {
                    file,
                    row: None,
                    field: "(file)".into(),
                    value: String::new(),
                    reason: format!("cannot read the file: {e}"),
                }],
            };
        }
    };
    parse_bytes(&file, &bytes)
}

/// Parses file contents, routing by extension and first non-blank byte.
pub fn parse_bytes(file: &str, bytes: &[u8]) -> Built {
    let lower = file.to_lowercase();
    let first = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(bytes)
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .copied();
    if lower.ends_with(".json") || matches!(first, Some(b'{') | Some(b'[')) {
        json::parse(file, bytes)
    } else if lower.ends_with(".xml") || first == Some(b'<') {
        xml(file, bytes)
    } else {
        csv::parse(file, bytes)
    }
}

fn xml(file: &str, _bytes: &[u8]) -> Built {
    Built {
        claims: vec![],
        rejections: vec![Rejection {
            file: file.to_string(),
            row: None,
            field: "(file)".into(),
            value: String::new(),
            reason: "XML import is not available in this build".into(),
        }],
    }
}

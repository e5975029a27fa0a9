//! Import: CSV, JSON, e-SLOG 2.0 and court XML (act 568) into claims. Every row or file ends as
//! imported or rejected with file, row, field, value and reason (design.md §4 step 1).

pub mod court_xml;
pub mod csv;
pub mod eslog;
pub mod json;
pub mod rows;

use std::path::Path;

pub use rows::Built;

use crate::store::batches::{ImportedClaim, Rejection};

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

fn reject_file(file: &str, field: &str, value: &str, reason: String) -> Built {
    Built {
        claims: vec![],
        rejections: vec![Rejection {
            file: file.to_string(),
            row: None,
            field: field.to_string(),
            value: value.to_string(),
            reason,
        }],
    }
}

/// XML: an e-SLOG 2.0 invoice (one claim) or a court shipment with act-568 proposals (one claim
/// per proposal, numbered in document order). Anything else is rejected saying what it is.
fn xml(file: &str, bytes: &[u8]) -> Built {
    match eslog::sniff(bytes) {
        eslog::XmlKind::EslogInvoice => match eslog::parse_invoice(bytes) {
            Ok(inv) => Built {
                claims: vec![ImportedClaim {
                    claim: inv.claim,
                    file: file.to_string(),
                    rows: vec![1],
                }],
                rejections: vec![],
            },
            Err(e) => reject_file(file, &e.field(), &e.value(), e.to_string()),
        },
        eslog::XmlKind::CourtOpisPosiljke => match court_xml::parse_proposals(bytes) {
            Ok(list) if list.is_empty() => reject_file(
                file,
                "ProcesnoDejanje",
                "",
                "the court file holds no enforcement proposal (act 568) to import".into(),
            ),
            Ok(list) => Built {
                claims: list
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| ImportedClaim {
                        claim: p.claim,
                        file: file.to_string(),
                        rows: vec![i + 1],
                    })
                    .collect(),
                rejections: vec![],
            },
            Err(e) => reject_file(file, "(court XML)", "", e.to_string()),
        },
        other => reject_file(
            file,
            "(file)",
            "",
            format!(
                "not a claim file writ can import: {other}; use CSV, JSON, e-SLOG 2.0 or court XML (act 568)"
            ),
        ),
    }
}

//! CSV claim files: UTF-8 (a BOM is allowed), comma or semicolon separated (sniffed from the
//! header), one row per authentic document. Columns: [`super::rows::COLUMNS`]. A row number is
//! the line number in the file (the header is line 1), as a spreadsheet shows it.

use std::collections::BTreeMap;

use super::rows::{self, Built, Row};
use crate::store::batches::Rejection;

fn file_rejection(file: &str, field: &str, value: &str, reason: String) -> Built {
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

/// Parses a CSV file's bytes. A file-level problem (not UTF-8, unknown or missing column)
/// rejects the whole file, so nothing of it is half-imported.
pub fn parse(file: &str, bytes: &[u8]) -> Built {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            return file_rejection(
                file,
                "(file)",
                "",
                format!(
                    "the file is not UTF-8 (first bad byte on line {line}); save it as \"CSV UTF-8\" and import it again"
                ),
            );
        }
    };
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    // Line numbers from byte offsets: right under CRLF and after blank lines.
    let newlines: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
    // The csv crate places a record at the line breaks before it; skip them first.
    let line_of = |byte: u64| {
        let at = (byte as usize).min(text.len());
        let start = text[at..]
            .find(|c| c != '\r' && c != '\n')
            .map_or(at, |o| at + o);
        newlines.partition_point(|&i| i < start) + 1
    };
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => {
            return file_rejection(file, "(header)", "", format!("cannot read the header: {e}"));
        }
    };
    let known: Vec<&str> = rows::COLUMNS.iter().map(|(c, _)| *c).collect();
    // Columns without a name (a spreadsheet's trailing separator) are ignored while empty.
    let unnamed: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| h.is_empty())
        .map(|(i, _)| i)
        .collect();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        if !known.contains(&h.as_str()) {
            return file_rejection(
                file,
                h,
                h,
                format!(
                    "unknown column '{h}' (column {}); check the spelling against the README's column list",
                    i + 1
                ),
            );
        }
        if headers[..i].contains(h) {
            return file_rejection(file, h, h, format!("column '{h}' appears twice"));
        }
    }
    for req in rows::REQUIRED {
        if !headers.iter().any(|h| h == req) {
            return file_rejection(
                file,
                req,
                "",
                format!("required column '{req}' is missing from the header"),
            );
        }
    }
    let claim_ref_col = headers.iter().position(|h| h == "claim_ref");
    let mut parsed = Vec::new();
    let mut bad_rows = Vec::new();
    let mut poisoned: BTreeMap<String, usize> = BTreeMap::new();
    for rec in reader.records() {
        match rec {
            Ok(rec) => {
                let line = rec.position().map(|p| line_of(p.byte())).unwrap_or(0);
                if rec.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let claim_ref = claim_ref_col
                    .and_then(|i| rec.get(i))
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty());
                let stray = unnamed
                    .iter()
                    .find(|&&i| rec.get(i).is_some_and(|v| !v.trim().is_empty()));
                if let Some(&i) = stray {
                    if let Some(r) = &claim_ref {
                        poisoned.entry(r.clone()).or_insert(line);
                    }
                    bad_rows.push(Rejection {
                        file: file.to_string(),
                        row: Some(line),
                        field: format!("(column {})", i + 1),
                        value: rec.get(i).unwrap_or("").trim().to_string(),
                        reason: format!("column {} has a value but no name in the header", i + 1),
                    });
                    continue;
                }
                if rec.len() != headers.len() {
                    if let Some(r) = &claim_ref {
                        poisoned.entry(r.clone()).or_insert(line);
                    }
                    bad_rows.push(Rejection {
                        file: file.to_string(),
                        row: Some(line),
                        field: "(row)".into(),
                        value: rec
                            .iter()
                            .collect::<Vec<_>>()
                            .join(&(delimiter as char).to_string()),
                        reason: format!(
                            "the row has {} fields but the header has {}",
                            rec.len(),
                            headers.len()
                        ),
                    });
                    continue;
                }
                let values: BTreeMap<String, String> = headers
                    .iter()
                    .cloned()
                    .zip(rec.iter().map(|v| v.trim().to_string()))
                    .filter(|(h, _)| !h.is_empty())
                    .collect();
                parsed.push(Row { no: line, values });
            }
            Err(e) => {
                let line = e.position().map(|p| line_of(p.byte()));
                bad_rows.push(Rejection {
                    file: file.to_string(),
                    row: line,
                    field: "(row)".into(),
                    value: String::new(),
                    reason: format!("cannot read the row: {e}"),
                });
            }
        }
    }
    // A claim whose rows include an unreadable row would be half-imported: reject it whole.
    let mut built = rows::build_except(file, &parsed, &poisoned);
    if !bad_rows.is_empty() {
        built.rejections.extend(bad_rows);
        built.rejections.sort_by_key(|r| r.row);
    }
    built
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "claim_ref;creditor_kind;creditor_name;creditor_tax_number;creditor_iban;debtor_kind;debtor_first_name;debtor_name;debtor_emso;document_number;due_date;amount";

    #[test]
    fn groups_rows_into_claims_and_keeps_values_as_written() {
        let csv = format!(
            "{HEADER}\nA1;pravna;ACME d.o.o.;SI 1234 5678;SI56 1910 0000 0123 438;fizicna;Janez;Novak;0101006500006;R-1;28.04.2026;100,50\nA1;pravna;ACME d.o.o.;SI 1234 5678;SI56 1910 0000 0123 438;fizicna;Janez;Novak;0101006500006;R-2;2026-05-28;20\n"
        );
        let b = parse("a.csv", csv.as_bytes());
        assert!(b.rejections.is_empty(), "{:?}", b.rejections);
        assert_eq!(b.claims.len(), 1);
        let c = &b.claims[0];
        assert_eq!(c.rows, vec![2, 3]);
        assert_eq!(c.claim.documents.len(), 2);
        assert_eq!(
            c.claim.creditor.party.tax_number.as_deref(),
            Some("SI 1234 5678")
        );
        assert_eq!(c.claim.principal().to_string(), "120.50");
    }

    #[test]
    fn not_utf8_rejects_the_file() {
        let mut bytes = format!("{HEADER}\n").into_bytes();
        bytes.extend_from_slice(b"A1;pravna;Podjetje \xe8;");
        let b = parse("latin2.csv", &bytes);
        assert!(b.claims.is_empty());
        assert_eq!(b.rejections.len(), 1);
        assert!(
            b.rejections[0].reason.contains("not UTF-8"),
            "{:?}",
            b.rejections
        );
        assert_eq!(b.rejections[0].row, None);
    }

    #[test]
    fn unknown_column_rejects_the_file_naming_it() {
        let csv = format!("{HEADER};debtor_fax\nA1;pravna;X;;;fizicna;J;N;;R1;01.01.2026;1;123\n");
        let b = parse("x.csv", csv.as_bytes());
        assert!(b.claims.is_empty());
        assert_eq!(b.rejections[0].field, "debtor_fax");
        assert!(b.rejections[0].reason.contains("unknown column"));
    }

    #[test]
    fn a_bad_row_rejects_its_whole_claim_with_reasons() {
        let csv = format!(
            "{HEADER}\nA1;pravna;X;;;fizicna;J;N;;R1;01.01.2026;12a\nA1;pravna;X;;;fizicna;J;N;;R2;01.01.2026;10\nB1;pravna;X;;;fizicna;J;M;;R3;01.01.2026;10\n"
        );
        let b = parse("x.csv", csv.as_bytes());
        assert_eq!(b.claims.len(), 1);
        assert_eq!(b.rejections.len(), 2);
        assert_eq!(b.rejections[0].row, Some(2));
        assert_eq!(b.rejections[0].field, "amount");
        assert_eq!(b.rejections[0].value, "12a");
        assert_eq!(b.rejections[1].row, Some(3));
        assert!(b.rejections[1].reason.contains("row 2"));
    }

    #[test]
    fn an_unreadable_row_rejects_its_whole_claim() {
        let csv = format!(
            "{HEADER}\nA1;pravna;X;;;fizicna;J;N;;R1;01.01.2026;1\nA1;pravna;X;;;fizicna;J;N;;R2;01.01.2026;1;extra\n"
        );
        let b = parse("x.csv", csv.as_bytes());
        assert!(b.claims.is_empty(), "{:?}", b.claims);
        assert_eq!(b.rejections.len(), 2, "{:?}", b.rejections);
    }

    #[test]
    fn row_numbers_are_file_lines_under_crlf_and_blank_lines() {
        let csv = format!(
            "{HEADER}\r\n\r\nA1;pravna;X;;;fizicna;J;N;;R1;01.01.2026;1a\r\n\r\n\r\nB1;pravna;X;;;fizicna;J;M;;R3;01.01.2026;2b\r\n"
        );
        let b = parse("x.csv", csv.as_bytes());
        let rows: Vec<_> = b.rejections.iter().map(|r| r.row).collect();
        assert_eq!(rows, vec![Some(3), Some(6)], "{:?}", b.rejections);
    }

    #[test]
    fn a_trailing_empty_column_is_ignored() {
        let csv = format!("{HEADER};\nA1;pravna;X;;;fizicna;J;N;;R1;01.01.2026;1;\n");
        let b = parse("x.csv", csv.as_bytes());
        assert!(b.rejections.is_empty(), "{:?}", b.rejections);
        assert_eq!(b.claims.len(), 1);
    }

    #[test]
    fn parties_must_agree_within_a_claim() {
        let csv = format!(
            "{HEADER}\nA1;pravna;X;;;fizicna;J;N;;R1;01.01.2026;1\nA1;pravna;X;;;fizicna;J;Other;;R2;01.01.2026;1\n"
        );
        let b = parse("x.csv", csv.as_bytes());
        assert!(b.claims.is_empty());
        assert_eq!(b.rejections[1].field, "debtor_name");
    }
}

//! JSON claim files: `{"claims": [ … ]}` or a bare array. Each claim object uses the CSV column
//! names for its claim-level fields and holds `documents` (and optionally `costs`) as arrays of
//! objects with the document (cost) columns. Numbers are kept exactly as written. An item number
//! is the claim's 1-based position; a document's row is reported as `item.document`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::rows::{self, Built, Row};
use crate::store::batches::Rejection;

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "yes".into() } else { "no".into() }),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

fn reject(file: &str, row: Option<usize>, field: &str, value: &str, reason: String) -> Rejection {
    Rejection {
        file: file.to_string(),
        row,
        field: field.to_string(),
        value: value.to_string(),
        reason,
    }
}

/// Parses a JSON claim file.
pub fn parse(file: &str, bytes: &[u8]) -> Built {
    let mut out = Built::default();
    let root: Value = match std::str::from_utf8(bytes)
        .map_err(|e| format!("the file is not UTF-8 ({e})"))
        .and_then(|t| serde_json::from_str(t).map_err(|e| format!("not valid JSON: {e}")))
    {
        Ok(v) => v,
        Err(reason) => {
            out.rejections
                .push(reject(file, None, "(file)", "", reason));
            return out;
        }
    };
    let items = match &root {
        Value::Array(a) => a.clone(),
        Value::Object(o) => match o.get("claims") {
            Some(Value::Array(a)) => a.clone(),
            _ => {
                out.rejections.push(reject(
                    file,
                    None,
                    "claims",
                    "",
                    "expected an object with a \"claims\" array, or an array of claims".into(),
                ));
                return out;
            }
        },
        _ => {
            out.rejections
                .push(reject(file, None, "(file)", "", "expected claims".into()));
            return out;
        }
    };
    let known: Vec<&str> = rows::COLUMNS.iter().map(|(c, _)| *c).collect();
    for (i, item) in items.iter().enumerate() {
        let item_no = i + 1;
        let Value::Object(obj) = item else {
            out.rejections.push(reject(
                file,
                Some(item_no),
                "(claim)",
                "",
                "a claim must be an object".into(),
            ));
            continue;
        };
        let mut claim_cols = BTreeMap::new();
        let mut docs: Vec<&serde_json::Map<String, Value>> = Vec::new();
        let mut costs: Vec<&serde_json::Map<String, Value>> = Vec::new();
        let mut problem: Option<Rejection> = None;
        for (k, v) in obj {
            match (k.as_str(), v) {
                ("documents", Value::Array(a)) | ("costs", Value::Array(a)) => {
                    for d in a {
                        match d {
                            Value::Object(o) if k == "documents" => docs.push(o),
                            Value::Object(o) => costs.push(o),
                            _ => {
                                problem = Some(reject(
                                    file,
                                    Some(item_no),
                                    k,
                                    "",
                                    format!("each entry of {k} must be an object"),
                                ));
                            }
                        }
                    }
                }
                (col, v) if known.contains(&col) => match text(v) {
                    Some(t) => {
                        claim_cols.insert(col.to_string(), t.trim().to_string());
                    }
                    None => {
                        problem = Some(reject(
                            file,
                            Some(item_no),
                            col,
                            &v.to_string(),
                            "expected a text or a number".into(),
                        ));
                    }
                },
                (col, _) => {
                    problem = Some(reject(
                        file,
                        Some(item_no),
                        col,
                        col,
                        format!("unknown field '{col}'"),
                    ));
                }
            }
        }
        if docs.is_empty() && problem.is_none() {
            problem = Some(reject(
                file,
                Some(item_no),
                "documents",
                "",
                "a claim needs at least one document".into(),
            ));
        }
        if let Some(p) = problem {
            out.rejections.push(p);
            continue;
        }
        claim_cols
            .entry("claim_ref".into())
            .or_insert_with(|| format!("{file}#{item_no}"));
        let mut claim_rows = Vec::new();
        for (j, d) in docs.iter().enumerate() {
            let mut values = claim_cols.clone();
            for (k, v) in d.iter() {
                values.insert(k.clone(), text(v).unwrap_or_default().trim().to_string());
            }
            if let Some(c) = costs.get(j) {
                for (k, v) in c.iter() {
                    let col = if k.starts_with("cost_") {
                        k.clone()
                    } else {
                        format!("cost_{k}")
                    };
                    values.insert(col, text(v).unwrap_or_default());
                }
            }
            claim_rows.push(Row {
                no: item_no,
                values,
            });
        }
        if let Some(bad) = claim_rows
            .iter()
            .flat_map(|r| r.values.keys())
            .find(|k| !known.contains(&k.as_str()))
        {
            out.rejections.push(reject(
                file,
                Some(item_no),
                bad,
                bad,
                format!("unknown field '{bad}'"),
            ));
            continue;
        }
        if costs.len() > docs.len() {
            out.rejections.push(reject(
                file,
                Some(item_no),
                "costs",
                "",
                "more cost entries than documents; put costs next to a document".into(),
            ));
            continue;
        }
        let built = rows::build(file, &claim_rows);
        let mut seen = false;
        for mut c in built.claims {
            c.rows = vec![item_no];
            out.claims.push(c);
        }
        for r in built.rejections {
            if !seen {
                out.rejections.push(r);
                seen = true;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_claims_with_exact_numbers() {
        let j = r#"{"claims":[{"claim_ref":"J1","creditor_kind":"pravna","creditor_name":"ACME d.o.o.",
            "debtor_kind":"fizicna","debtor_first_name":"Ana","debtor_name":"Kos",
            "documents":[{"document_number":"R-9","due_date":"2026-03-01","amount":0.1},
                         {"document_number":"R-10","due_date":"01.04.2026","amount":"19,90"}]}]}"#;
        let b = parse("c.json", j.as_bytes());
        assert!(b.rejections.is_empty(), "{:?}", b.rejections);
        assert_eq!(b.claims[0].claim.principal().to_string(), "20.00");
    }

    #[test]
    fn unknown_field_is_named() {
        let j = r#"[{"claim_ref":"J1","creditor_kind":"pravna","creditor_name":"A","debtor_kind":"fizicna","debtor_name":"K","debtor_fax":"1",
            "documents":[{"document_number":"R","amount":"1"}]}]"#;
        let b = parse("c.json", j.as_bytes());
        assert!(b.claims.is_empty());
        assert_eq!(b.rejections[0].field, "debtor_fax");
    }
}

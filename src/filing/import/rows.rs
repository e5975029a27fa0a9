//! Tabular claim rows (CSV lines, or JSON claims flattened to the same columns) into claims.
//!
//! One row is one authentic document; rows with the same `claim_ref` form one claim and must
//! agree on the parties. Values are kept as written (trimmed); only syntax is checked here: a
//! date must be a date, an amount a decimal number, a yes/no a yes/no. A claim with any bad row is
//! rejected whole, each of its rows with a reason, so nothing is half-imported.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::filing::model::{
    Address, AuthenticDocument, BankAccount, Claim, CostItem, Creditor, Debtor, InterestClaim,
    Means, Party, PartyKind, Representative,
};
use crate::store::batches::{ImportedClaim, Rejection};

/// Every column writ understands, with its meaning (the README's table is generated from this).
pub const COLUMNS: &[(&str, &str)] = &[
    (
        "claim_ref",
        "your reference for the claim; rows with the same value form one claim (required)",
    ),
    ("creditor_kind", "pravna | fizicna | s.p. (required)"),
    ("creditor_first_name", "first name (natural persons)"),
    (
        "creditor_name",
        "firm name, or surname of a natural person (required)",
    ),
    ("creditor_tax_number", "davčna številka"),
    ("creditor_registration_number", "matična številka"),
    ("creditor_emso", "EMŠO (natural persons)"),
    ("creditor_street", "street"),
    ("creditor_house_number", "house number"),
    ("creditor_post_code", "post code"),
    ("creditor_city", "city (kraj)"),
    ("creditor_country", "ISO 3166 alpha-3, default SVN"),
    ("creditor_iban", "creditor's account for payment, ZIZ 40(2)"),
    (
        "creditor_account_holder",
        "account holder, default the creditor's name",
    ),
    (
        "representative_first_name",
        "creditor's representative (zastopnik): first name",
    ),
    ("representative_name", "creditor's representative: surname"),
    ("representative_position", "e.g. direktor, poslovodja"),
    ("debtor_kind", "pravna | fizicna | s.p. (required)"),
    ("debtor_first_name", "first name (natural persons)"),
    ("debtor_name", "firm name, or surname (required)"),
    ("debtor_tax_number", "davčna številka"),
    ("debtor_registration_number", "matična številka"),
    ("debtor_emso", "EMŠO"),
    ("debtor_birth_date", "date of birth"),
    ("debtor_street", "street"),
    ("debtor_house_number", "house number"),
    ("debtor_post_code", "post code"),
    ("debtor_city", "city (kraj)"),
    ("debtor_country", "ISO 3166 alpha-3, default SVN"),
    (
        "debtor_iban",
        "debtor's known accounts, separated by ';' (optional, ZIZ 41(4))",
    ),
    ("debtor_bank", "name of the debtor's bank (optional)"),
    (
        "movables",
        "yes/no: also propose enforcement on movables (needs a bailiff), default no",
    ),
    ("bailiff_first_name", "bailiff (izvršitelj): first name"),
    ("bailiff_name", "bailiff: surname"),
    ("bailiff_tax_number", "bailiff: davčna številka"),
    ("document_kind", "sifListina 1–10, default 1 (invoice)"),
    ("document_number", "invoice or document number (required)"),
    ("document_date", "issue date"),
    ("due_date", "due date (dan zapadlosti), ZIZ 41(5)"),
    ("amount", "amount owed on this document"),
    ("currency", "default EUR"),
    (
        "interest",
        "statutory (default) | none | contractual:RATE (percent per year)",
    ),
    (
        "interest_from",
        "first day of interest, default the day after the due date",
    ),
    (
        "cost_description",
        "a cost of the creditor for this claim, e.g. stroški opomina",
    ),
    ("cost_amount", "amount of that cost"),
    (
        "claim_court_fee",
        "yes/no: claim the court fee as a cost, default yes",
    ),
    (
        "commercial",
        "yes/no: commercial matter (gospodarska), default yes unless the debtor is a natural person",
    ),
];

/// Columns that must be present in the header.
pub const REQUIRED: &[&str] = &[
    "claim_ref",
    "creditor_kind",
    "creditor_name",
    "debtor_kind",
    "debtor_name",
    "document_number",
    "amount",
];

/// Columns that must be equal on every row of one claim.
const CLAIM_LEVEL_PREFIXES: &[&str] = &[
    "creditor_",
    "representative_",
    "debtor_",
    "bailiff_",
    "movables",
    "claim_court_fee",
    "commercial",
];

/// One input row: its number and its values by column.
#[derive(Debug, Clone)]
pub struct Row {
    pub no: usize,
    pub values: BTreeMap<String, String>,
}

impl Row {
    fn get(&self, col: &str) -> &str {
        self.values.get(col).map(|s| s.trim()).unwrap_or("")
    }
    fn opt(&self, col: &str) -> Option<String> {
        let v = self.get(col);
        (!v.is_empty()).then(|| v.to_string())
    }
}

/// Result of turning rows into claims.
#[derive(Debug, Default)]
pub struct Built {
    pub claims: Vec<ImportedClaim>,
    pub rejections: Vec<Rejection>,
}

/// A problem with one value.
#[derive(Debug, Clone)]
struct Bad {
    field: String,
    value: String,
    reason: String,
}

fn bad(field: &str, value: &str, reason: impl Into<String>) -> Bad {
    Bad {
        field: field.to_string(),
        value: value.to_string(),
        reason: reason.into(),
    }
}

/// Parses a date written `dd.mm.yyyy` (also `d.m.yyyy`, with or without spaces) or ISO
/// `yyyy-mm-dd`. The year must have four digits: `1.3.26` is refused, never read as year 26.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let t: String = s.split_whitespace().collect();
    let year_ok = t
        .split(['-', '.'])
        .filter(|p| !p.is_empty())
        .any(|p| p.len() == 4 && p.chars().all(|c| c.is_ascii_digit()));
    if !year_ok {
        return None;
    }
    NaiveDate::parse_from_str(&t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&t, "%d.%m.%Y"))
        .ok()
        .filter(|d| (1900..=2199).contains(&chrono::Datelike::year(d)))
}

/// Parses an amount with a decimal comma or dot, keeping its scale. With both separators the
/// last one is the decimal mark and the other groups thousands (`1.234,56`, `1,234.56`); spaces
/// group thousands too. A lone separator followed by exactly three digits (`1.000`, `12,500`) is
/// ambiguous — a thousands separator or three decimals — and refused, never guessed.
pub fn parse_amount(s: &str) -> Option<Decimal> {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    if t.is_empty() {
        return None;
    }
    let last_dot = t.rfind('.');
    let last_comma = t.rfind(',');
    let normalized = match (last_dot, last_comma) {
        (Some(d), Some(c)) if c > d => t.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => t.replace(',', ""),
        (None, Some(c)) => {
            if t.matches(',').count() > 1 || t.len() - c - 1 == 3 {
                return None;
            }
            t.replace(',', ".")
        }
        (Some(d), None) => {
            if t.matches('.').count() == 1 && t.len() - d - 1 == 3 {
                return None;
            }
            t
        }
        (None, None) => t,
    };
    if normalized.matches('.').count() > 1 {
        return None;
    }
    let body = normalized.strip_prefix('-').unwrap_or(&normalized);
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    normalized.parse::<Decimal>().ok()
}

fn parse_bool(field: &str, v: &str, default: bool) -> Result<bool, Bad> {
    match v.trim().to_lowercase().as_str() {
        "" => Ok(default),
        "yes" | "y" | "da" | "true" | "1" | "x" => Ok(true),
        "no" | "n" | "ne" | "false" | "0" => Ok(false),
        _ => Err(bad(field, v, "expected yes or no (da/ne)")),
    }
}

fn party(r: &Row, prefix: &str, required: bool) -> Result<Option<Party>, Bad> {
    let col = |c: &str| format!("{prefix}_{c}");
    let kind_s = r.get(&col("kind"));
    let name = r.get(&col("name")).to_string();
    if !required && kind_s.is_empty() && name.is_empty() {
        return Ok(None);
    }
    let kind = if kind_s.is_empty() && !required {
        PartyKind::Natural
    } else {
        PartyKind::parse(kind_s).ok_or_else(|| {
            bad(
                &col("kind"),
                kind_s,
                "expected pravna (legal person), fizicna (natural person) or s.p. (sole trader)",
            )
        })?
    };
    if name.is_empty() {
        return Err(bad(&col("name"), "", "the name is missing"));
    }
    let birth_date = match r.get(&col("birth_date")) {
        "" => None,
        s => Some(parse_date(s).ok_or_else(|| {
            bad(
                &col("birth_date"),
                s,
                "not a date (use dd.mm.yyyy or yyyy-mm-dd, with a four-digit year)",
            )
        })?),
    };
    let country = r.opt(&col("country")).unwrap_or_else(|| "SVN".to_string());
    let city = r.get(&col("city")).to_string();
    Ok(Some(Party {
        kind,
        first_name: r.get(&col("first_name")).to_string(),
        name,
        tax_number: r.opt(&col("tax_number")),
        registration_number: r.opt(&col("registration_number")),
        emso: r.opt(&col("emso")),
        birth_date,
        address: Address {
            street: r.get(&col("street")).to_string(),
            house_number: r.get(&col("house_number")).to_string(),
            post_code: r.get(&col("post_code")).to_string(),
            post_name: city.clone(),
            city,
            country,
        },
    }))
}

fn document(r: &Row) -> Result<AuthenticDocument, Bad> {
    let kind_s = r.get("document_kind");
    let kind_code = if kind_s.is_empty() {
        1
    } else {
        kind_s
            .parse::<u8>()
            .ok()
            .filter(|k| (1..=10).contains(k))
            .ok_or_else(|| {
                bad(
                    "document_kind",
                    kind_s,
                    "expected a document kind from 1 to 10 (1 = invoice)",
                )
            })?
    };
    let number = r.get("document_number").to_string();
    if number.is_empty() {
        return Err(bad("document_number", "", "the document number is missing"));
    }
    let date = |col: &str| -> Result<Option<NaiveDate>, Bad> {
        match r.get(col) {
            "" => Ok(None),
            s => parse_date(s).map(Some).ok_or_else(|| {
                bad(
                    col,
                    s,
                    "not a date (use dd.mm.yyyy or yyyy-mm-dd, with a four-digit year)",
                )
            }),
        }
    };
    let amount_s = r.get("amount");
    if amount_s.is_empty() {
        return Err(bad("amount", "", "the amount is missing"));
    }
    let amount = parse_amount(amount_s).ok_or_else(|| {
        bad(
            "amount",
            amount_s,
            "not an amount (write e.g. 1234,56 or 1234.56; 1.000 is ambiguous: write 1000 or 1000,00)",
        )
    })?;
    let interest_from = date("interest_from")?;
    let interest_s = r.get("interest").to_lowercase();
    let interest = match interest_s.as_str() {
        "" | "statutory" | "zakonske" | "zakonite" => InterestClaim::Statutory {
            from: interest_from,
            to: None,
        },
        "none" | "brez" | "no" => InterestClaim::None,
        s if s.starts_with("contractual:") || s.starts_with("pogodbene:") => {
            let rate_s = s.split_once(':').map(|x| x.1).unwrap_or("");
            let rate_percent = parse_amount(rate_s)
                .filter(|r| *r > Decimal::ZERO && r.scale() <= 4)
                .ok_or_else(|| {
                    bad(
                        "interest",
                        r.get("interest"),
                        "contractual interest needs a positive yearly rate in percent with at most 4 decimals, e.g. contractual:9,5",
                    )
                })?;
            InterestClaim::Contractual {
                rate_percent,
                from: interest_from,
            }
        }
        _ => {
            return Err(bad(
                "interest",
                r.get("interest"),
                "expected statutory, none or contractual:RATE",
            ));
        }
    };
    Ok(AuthenticDocument {
        kind_code,
        number,
        issue_date: date("document_date")?,
        due_date: date("due_date")?,
        amount,
        currency: r.opt("currency").unwrap_or_else(|| "EUR".to_string()),
        interest,
    })
}

fn cost(r: &Row) -> Result<Option<CostItem>, Bad> {
    let desc = r.get("cost_description");
    let amount_s = r.get("cost_amount");
    if desc.is_empty() && amount_s.is_empty() {
        return Ok(None);
    }
    if amount_s.is_empty() {
        return Err(bad("cost_amount", "", "a cost needs an amount"));
    }
    let amount = parse_amount(amount_s)
        .ok_or_else(|| bad("cost_amount", amount_s, "not an amount (write e.g. 40,00)"))?;
    Ok(Some(CostItem {
        description: if desc.is_empty() {
            "stroški".to_string()
        } else {
            desc.to_string()
        },
        amount,
        currency: r.opt("currency").unwrap_or_else(|| "EUR".to_string()),
    }))
}

/// Builds one claim from its rows (all with the same claim_ref), or says what is wrong.
fn build_claim(rows: &[&Row]) -> Result<Claim, (usize, Bad)> {
    let first = rows[0];
    // Claim-level columns must agree across rows.
    for r in &rows[1..] {
        for (col, v) in &r.values {
            if CLAIM_LEVEL_PREFIXES.iter().any(|p| col.starts_with(p)) {
                let v0 = first.get(col);
                if v.trim() != v0 {
                    return Err((
                        r.no,
                        bad(
                            col,
                            v.trim(),
                            format!(
                                "differs from row {} of the same claim ('{}'); one claim has one creditor and one debtor",
                                first.no, v0
                            ),
                        ),
                    ));
                }
            }
        }
    }
    let n = first.no;
    let creditor_party = party(first, "creditor", true)
        .map_err(|b| (n, b))?
        .ok_or_else(|| (n, bad("creditor_name", "", "the creditor is missing")))?;
    let debtor_party = party(first, "debtor", true)
        .map_err(|b| (n, b))?
        .ok_or_else(|| (n, bad("debtor_name", "", "the debtor is missing")))?;
    let representative = first.opt("representative_name").map(|name| Representative {
        party: Party {
            kind: PartyKind::Natural,
            first_name: first.get("representative_first_name").to_string(),
            name,
            tax_number: None,
            registration_number: None,
            emso: None,
            birth_date: None,
            address: Address::default(),
        },
        position: first.get("representative_position").to_string(),
    });
    let bailiff = party(first, "bailiff", false).map_err(|b| (n, b))?;
    let movables = parse_bool("movables", first.get("movables"), false).map_err(|b| (n, b))?;
    let claim_court_fee =
        parse_bool("claim_court_fee", first.get("claim_court_fee"), true).map_err(|b| (n, b))?;
    let commercial = parse_bool(
        "commercial",
        first.get("commercial"),
        debtor_party.kind != PartyKind::Natural,
    )
    .map_err(|b| (n, b))?;
    let bank_accounts = first
        .get("debtor_iban")
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|iban| BankAccount {
            iban: iban.to_string(),
            bank_name: first.get("debtor_bank").to_string(),
        })
        .collect();
    let mut documents = Vec::new();
    let mut costs = Vec::new();
    for r in rows {
        documents.push(document(r).map_err(|b| (r.no, b))?);
        if let Some(c) = cost(r).map_err(|b| (r.no, b))? {
            costs.push(c);
        }
    }
    let account_holder = first
        .opt("creditor_account_holder")
        .unwrap_or_else(|| creditor_party.display_name());
    Ok(Claim {
        external_ref: first.opt("claim_ref"),
        creditor: Creditor {
            party: creditor_party,
            iban: first.opt("creditor_iban"),
            account_holder,
            representative,
        },
        debtor: Debtor {
            party: debtor_party,
            means: Means {
                bank_funds: true,
                bank_accounts,
                movables,
            },
        },
        documents,
        costs,
        claim_court_fee,
        interest_on_costs: true,
        bailiff,
        commercial,
    })
}

/// Groups rows by claim_ref (in order of first appearance) and builds each claim.
pub fn build(file: &str, rows: &[Row]) -> Built {
    build_except(file, rows, &BTreeMap::new())
}

/// As [`build`], but the claims named in `poisoned` (claim_ref → the line of an unreadable row
/// of that claim) are rejected whole, so no claim is imported without one of its rows.
pub fn build_except(file: &str, rows: &[Row], poisoned: &BTreeMap<String, usize>) -> Built {
    let mut order: Vec<String> = Vec::new();
    let mut groups: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
    let mut out = Built::default();
    for r in rows {
        let key = r.get("claim_ref").to_string();
        if key.is_empty() {
            out.rejections.push(Rejection {
                file: file.to_string(),
                row: Some(r.no),
                field: "claim_ref".into(),
                value: String::new(),
                reason: "the claim reference is missing; rows are grouped into claims by it".into(),
            });
            continue;
        }
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(r);
    }
    for key in order {
        let group = &groups[&key];
        let result = match poisoned.get(&key) {
            Some(line) => Err((*line, bad("(row)", "", "unreadable row of this claim"))),
            None => build_claim(group),
        };
        match result {
            Ok(claim) => out.claims.push(ImportedClaim {
                claim,
                file: file.to_string(),
                rows: group.iter().map(|r| r.no).collect(),
            }),
            Err((row_no, b)) => {
                for r in group {
                    if r.no == row_no {
                        out.rejections.push(Rejection {
                            file: file.to_string(),
                            row: Some(r.no),
                            field: b.field.clone(),
                            value: b.value.clone(),
                            reason: b.reason.clone(),
                        });
                    } else {
                        out.rejections.push(Rejection {
                            file: file.to_string(),
                            row: Some(r.no),
                            field: "claim_ref".into(),
                            value: key.clone(),
                            reason: format!(
                                "not imported because row {row_no} of the same claim was rejected"
                            ),
                        });
                    }
                }
            }
        }
    }
    out.rejections.sort_by_key(|r| r.row);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    #[test]
    fn amounts_keep_scale_and_refuse_guesses() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(parse_amount("219,60"), Some(d("219.60")));
        assert_eq!(parse_amount("219.60"), Some(d("219.60")));
        assert_eq!(parse_amount("1.234,56"), Some(d("1234.56")));
        assert_eq!(parse_amount("1,234.56"), Some(d("1234.56")));
        assert_eq!(parse_amount("1 234,5"), Some(d("1234.5")));
        assert_eq!(parse_amount("0"), Some(d("0")));
        assert_eq!(parse_amount("12.345"), None, "ambiguous: 12345 or 12.345");
        assert_eq!(parse_amount("1.000"), None);
        assert_eq!(parse_amount("12,500"), None);
        assert_eq!(parse_amount("1.000,00"), Some(d("1000.00")));
        assert_eq!(parse_amount("10,555").map(|x| x.scale()), None);
        assert_eq!(parse_amount("10,5555").map(|x| x.scale()), Some(4));
        assert_eq!(parse_amount("12,3,4"), None);
        assert_eq!(parse_amount("12a"), None);
        assert_eq!(parse_amount("EUR 12"), None);
        assert_eq!(parse_amount(""), None);
        assert_eq!(parse_amount("1e5"), None);
    }

    #[test]
    fn dates_in_both_forms() {
        let d = NaiveDate::from_ymd_opt(2016, 4, 28).unwrap();
        assert_eq!(parse_date("28.04.2016"), Some(d));
        assert_eq!(parse_date("28. 4. 2016"), Some(d));
        assert_eq!(parse_date("2016-04-28"), Some(d));
        assert_eq!(parse_date("31.02.2016"), None);
        assert_eq!(parse_date("04/28/2016"), None);
        assert_eq!(parse_date("1.3.26"), None, "a two-digit year is refused");
        assert_eq!(parse_date("0026-03-01"), None);
        assert_eq!(
            parse_date("1. 3. 2026"),
            NaiveDate::from_ymd_opt(2026, 3, 1)
        );
    }

    proptest! {
        #[test]
        fn amount_round_trips_with_comma_and_dot(cents in 0i64..10_000_000_000) {
            let d = Decimal::new(cents, 2);
            let dot = d.to_string();
            let comma = dot.replace('.', ",");
            prop_assert_eq!(parse_amount(&dot), Some(d));
            prop_assert_eq!(parse_amount(&comma), Some(d));
        }
    }
}

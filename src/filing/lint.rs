//! Lint: the pre-filing checks (design.md §4 step 2). The court rejects late and one by one;
//! writ rejects early and all at once. Pure: the date ("today") and earlier filings are passed in.
//!
//! Every finding has a stable code, a severity (an error blocks filing, a warning does not), the
//! field and value it is about, and a sentence a clerk understands with the rule behind it.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::filing::model::{Claim, InterestClaim, Party, PartyKind};
use crate::law::ids::{Emso, Iban, RegistrationNumber, TaxNumber};

/// Error blocks filing; warning is shown and filed anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The stable lint codes. Codes never change meaning; new checks get new codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Code {
    /// L101 davčna številka is malformed or fails its check digit.
    TaxNumber,
    /// L102 EMŠO is malformed, has an impossible date or fails its check digit.
    Emso,
    /// L103 EMŠO check computes to 10: valid by python-stdnum, doubtful by other sources.
    EmsoDoubtful,
    /// L104 matična številka is malformed or fails its check digit.
    RegistrationNumber,
    /// L105 an account (IBAN or Slovenian BBAN) is malformed or fails its check digits.
    Iban,
    /// L110 a party has no name.
    PartyName,
    /// L111 a party's address is incomplete (ZIZ 16.a).
    PartyAddress,
    /// L112 a legal person / s.p. has neither matična nor davčna številka (ZIZ 16.a).
    PartyIdentifier,
    /// L113 a natural-person debtor has no date of birth, EMŠO or tax number (ZIZ 16.a, 41(3)).
    NaturalDebtorIdentifier,
    /// L114 EMŠO and the stated date of birth disagree.
    BirthDateMismatch,
    /// L115 an identifier that this kind of party cannot have (matična of a natural person,
    /// EMŠO of a legal person).
    IdentifierKind,
    /// L120 the creditor's account for payment is missing (ZIZ 40(2), 41(6)).
    CreditorIbanMissing,
    /// L130 a document has no due date (ZIZ 23, 41(5)).
    DueDateMissing,
    /// L131 a document is not yet due.
    NotYetDue,
    /// L132 a document's issue date is after its due date.
    IssuedAfterDue,
    /// L140 interest starts before the day after the due date (OZ 299).
    InterestTooEarly,
    /// L141 interest starts later than the day after the due date (allowed; money left).
    InterestLate,
    /// L150 an amount is zero or negative.
    AmountNotPositive,
    /// L151 an amount has more than two decimals.
    AmountDecimals,
    /// L152 an amount is not in euro (writ files claims in euro only).
    Currency,
    /// L153 the claim has no principal document (sifListina 1–6).
    NoPrincipal,
    /// L160 movables proposed but no bailiff named (ZIZ 40(8)).
    BailiffMissing,
    /// L170 the same document number of this creditor appears in two claims of the batch.
    DuplicateDocument,
    /// L171 the same claim appears twice in the batch.
    DuplicateClaim,
    /// L172 this claim was already filed.
    AlreadyFiled,
    /// L173 a document of this claim was already filed in another proposal.
    DocumentAlreadyFiled,
    /// L180 insolvency proceedings against the debtor have opened (ZFPPIPP 131).
    Insolvency,
    /// L181 a possible insolvency match a person must confirm or reject.
    InsolvencyCandidate,
}

impl Code {
    /// The stable code printed to users and stored.
    pub fn as_str(self) -> &'static str {
        use Code::*;
        match self {
            TaxNumber => "L101",
            Emso => "L102",
            EmsoDoubtful => "L103",
            RegistrationNumber => "L104",
            Iban => "L105",
            PartyName => "L110",
            PartyAddress => "L111",
            PartyIdentifier => "L112",
            NaturalDebtorIdentifier => "L113",
            BirthDateMismatch => "L114",
            IdentifierKind => "L115",
            CreditorIbanMissing => "L120",
            DueDateMissing => "L130",
            NotYetDue => "L131",
            IssuedAfterDue => "L132",
            InterestTooEarly => "L140",
            InterestLate => "L141",
            AmountNotPositive => "L150",
            AmountDecimals => "L151",
            Currency => "L152",
            NoPrincipal => "L153",
            BailiffMissing => "L160",
            DuplicateDocument => "L170",
            DuplicateClaim => "L171",
            AlreadyFiled => "L172",
            DocumentAlreadyFiled => "L173",
            Insolvency => "L180",
            InsolvencyCandidate => "L181",
        }
    }
}

/// One finding about one claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// Where: e.g. `debtor.tax_number`, `documents[2].due_date`.
    pub field: String,
    pub value: String,
    pub message: String,
}

struct Out(Vec<Finding>);

impl Out {
    fn error(
        &mut self,
        code: Code,
        field: impl Into<String>,
        value: impl Into<String>,
        msg: impl Into<String>,
    ) {
        self.push(code, Severity::Error, field, value, msg);
    }
    fn warn(
        &mut self,
        code: Code,
        field: impl Into<String>,
        value: impl Into<String>,
        msg: impl Into<String>,
    ) {
        self.push(code, Severity::Warning, field, value, msg);
    }
    fn push(
        &mut self,
        code: Code,
        severity: Severity,
        field: impl Into<String>,
        value: impl Into<String>,
        msg: impl Into<String>,
    ) {
        self.0.push(Finding {
            code,
            severity,
            field: field.into(),
            value: value.into(),
            message: msg.into(),
        });
    }
}

/// "creditor's (upnik)": the role in English with the Slovenian term, possessive.
fn role_name(role: &str) -> String {
    let sl = match role {
        "creditor" => "upnik",
        "debtor" => "dolžnik",
        "bailiff" => "izvršitelj",
        "representative" => "zastopnik",
        _ => return role.to_string(),
    };
    format!("{role}'s ({sl})")
}

fn check_identifiers(out: &mut Out, role: &str, p: &Party) {
    let who = role_name(role);
    if let Some(t) = p.tax_number.as_deref().filter(|s| !s.trim().is_empty())
        && let Err(e) = TaxNumber::parse(t)
    {
        out.error(
            Code::TaxNumber,
            format!("{role}.tax_number"),
            t,
            format!("The {who} tax number (davčna številka) is not valid: {e}."),
        );
    }
    if let Some(m) = p
        .registration_number
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        && let Err(e) = RegistrationNumber::parse(m)
    {
        out.error(
            Code::RegistrationNumber,
            format!("{role}.registration_number"),
            m,
            format!("The {who} registration number (matična številka) is not valid: {e}."),
        );
    }
    if let Some(e_s) = p.emso.as_deref().filter(|s| !s.trim().is_empty()) {
        match Emso::parse(e_s) {
            Err(e) => out.error(
                Code::Emso,
                format!("{role}.emso"),
                e_s,
                format!("The {who} EMŠO is not valid: {e}."),
            ),
            Ok(emso) => {
                if let Some(w) = emso.warning() {
                    out.warn(Code::EmsoDoubtful, format!("{role}.emso"), e_s, format!("The {who} EMŠO may not exist: {w}. Check it against an official document before filing."));
                }
                if let Some(b) = p.birth_date
                    && emso.birth_date() != b
                {
                    out.warn(
                        Code::BirthDateMismatch,
                        format!("{role}.birth_date"),
                        b.format("%d.%m.%Y").to_string(),
                        format!(
                            "The {who} date of birth differs from the one in the EMŠO ({}).",
                            emso.birth_date().format("%d.%m.%Y")
                        ),
                    );
                }
            }
        }
    }
}

fn check_party(out: &mut Out, role: &str, p: &Party, is_debtor: bool) {
    let who = role_name(role);
    if p.name.trim().is_empty() {
        out.error(
            Code::PartyName,
            format!("{role}.name"),
            "",
            format!("The {} has no name.", role),
        );
    }
    let a = &p.address;
    let mut missing = vec![];
    if a.street.trim().is_empty() {
        missing.push("street");
    }
    if a.house_number.trim().is_empty() {
        missing.push("house number");
    }
    if a.post_code.trim().is_empty() {
        missing.push("post code");
    }
    if a.city.trim().is_empty() && a.post_name.trim().is_empty() {
        missing.push("city");
    }
    if !missing.is_empty() {
        let what = match p.kind {
            PartyKind::Natural => "residence address",
            _ => "seat and business address",
        };
        out.error(
            Code::PartyAddress,
            format!("{role}.address"),
            missing.join(", "),
            format!(
                "The {who} {what} is incomplete (missing {}); ZIZ 16.a requires it.",
                missing.join(", ")
            ),
        );
    }
    let has = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    if p.kind == PartyKind::Natural && has(&p.registration_number) {
        out.error(Code::IdentifierKind, format!("{role}.registration_number"), p.registration_number.clone().unwrap_or_default(), format!("A natural person has no registration number (matična); if the {role} is a sole trader, mark it s.p., otherwise remove the number."));
    }
    if p.kind == PartyKind::Legal && has(&p.emso) {
        out.error(
            Code::IdentifierKind,
            format!("{role}.emso"),
            p.emso.clone().unwrap_or_default(),
            format!("A legal person has no EMŠO; remove it from the {role}."),
        );
    }
    match p.kind {
        PartyKind::Legal | PartyKind::SoleTrader => {
            if !has(&p.registration_number) && !has(&p.tax_number) {
                out.error(Code::PartyIdentifier, format!("{role}.registration_number"), "", format!("The {role} needs a registration number (matična) or a tax number (davčna), ZIZ 16.a."));
            }
        }
        PartyKind::Natural => {
            if !has(&p.emso) && !has(&p.tax_number) && p.birth_date.is_none() {
                if is_debtor {
                    out.warn(Code::NaturalDebtorIdentifier, format!("{role}.emso"), "", format!("The {role} has no date of birth, EMŠO or tax number; the court accepts this only if it can identify the person unambiguously from the registers (ZIZ 41(3))."));
                } else {
                    out.error(
                        Code::NaturalDebtorIdentifier,
                        format!("{role}.emso"),
                        "",
                        format!("The {role} needs a date of birth, EMŠO or tax number (ZIZ 16.a)."),
                    );
                }
            }
        }
    }
    check_identifiers(out, role, p);
}

fn check_amount(out: &mut Out, field: &str, amount: Decimal, currency: &str, what: &str) {
    if amount <= Decimal::ZERO {
        out.error(
            Code::AmountNotPositive,
            field,
            amount.to_string(),
            format!("The {what} must be more than zero."),
        );
    }
    if amount.normalize().scale() > 2 {
        out.error(
            Code::AmountDecimals,
            field,
            amount.to_string(),
            format!("The {what} has more than two decimals; write it in euro and cent."),
        );
    }
    if currency.trim() != "EUR" {
        out.error(
            Code::Currency,
            field.replace("amount", "currency"),
            currency,
            format!("The {what} is in {currency}; writ files claims in euro only (packages declare one control sum in EUR)."),
        );
    }
}

/// Checks one claim on its own. `today` decides what is due.
pub fn lint_claim(claim: &Claim, today: NaiveDate) -> Vec<Finding> {
    let mut out = Out(Vec::new());
    check_party(&mut out, "creditor", &claim.creditor.party, false);
    match claim.creditor.iban.as_deref().filter(|s| !s.trim().is_empty()) {
        None => out.error(Code::CreditorIbanMissing, "creditor.iban", "", "The creditor's account for payment (TRR) is missing; ZIZ 40(2) requires it when money is claimed."),
        Some(i) => {
            if let Err(e) = Iban::parse(i) {
                out.error(Code::Iban, "creditor.iban", i, format!("The creditor's account is not valid: {e}."));
            }
        }
    }
    if let Some(r) = &claim.creditor.representative {
        check_identifiers(&mut out, "representative", &r.party);
    }
    check_party(&mut out, "debtor", &claim.debtor.party, true);
    for (i, acc) in claim.debtor.means.bank_accounts.iter().enumerate() {
        if let Err(e) = Iban::parse(&acc.iban) {
            out.error(
                Code::Iban,
                format!("debtor.bank_accounts[{}]", i + 1),
                &acc.iban,
                format!("The debtor's account is not valid: {e}."),
            );
        }
    }
    if claim.debtor.means.movables && claim.bailiff.is_none() {
        out.error(Code::BailiffMissing, "bailiff", "", "Enforcement on movables is proposed but no bailiff (izvršitelj) is named; ZIZ 40(8) makes the proposal incomplete without one.");
    }
    if let Some(b) = &claim.bailiff {
        if b.name.trim().is_empty() {
            out.error(
                Code::PartyName,
                "bailiff.name",
                "",
                "The bailiff (izvršitelj) has no name.",
            );
        }
        check_identifiers(&mut out, "bailiff", b);
    }
    if !claim
        .documents
        .iter()
        .any(|d| (1..=6).contains(&d.kind_code))
    {
        out.error(Code::NoPrincipal, "documents", "", "The claim has no principal document (sifListina 1–6); a proposal needs at least one, e.g. an invoice.");
    }
    for (i, d) in claim.documents.iter().enumerate() {
        let f = |name: &str| format!("documents[{}].{name}", i + 1);
        let doc = format!("document {}", d.number);
        check_amount(
            &mut out,
            &f("amount"),
            d.amount,
            &d.currency,
            &format!("amount of {doc}"),
        );
        let Some(due) = d.due_date else {
            out.error(Code::DueDateMissing, f("due_date"), "", format!("The due date of {doc} is missing; ZIZ 23 and 41(5) allow enforcement on an authentic document only with its due date."));
            continue;
        };
        if due >= today {
            out.error(
                Code::NotYetDue,
                f("due_date"),
                due.format("%d.%m.%Y").to_string(),
                format!(
                    "{doc} is not overdue yet (due {}); file it from {} on.",
                    due.format("%d.%m.%Y"),
                    (due + Duration::days(1)).format("%d.%m.%Y")
                ),
            );
        }
        if let Some(issued) = d.issue_date
            && issued > due
        {
            out.warn(
                Code::IssuedAfterDue,
                f("issue_date"),
                issued.format("%d.%m.%Y").to_string(),
                format!(
                    "{doc} was issued after its due date ({}); check both dates.",
                    due.format("%d.%m.%Y")
                ),
            );
        }
        let from = match &d.interest {
            InterestClaim::Statutory { from, .. } => *from,
            InterestClaim::Contractual { from, .. } => *from,
            InterestClaim::None => None,
        };
        if let Some(from) = from {
            let earliest = due + Duration::days(1);
            if from < earliest {
                out.error(Code::InterestTooEarly, f("interest_from"), from.format("%d.%m.%Y").to_string(), format!("Interest on {doc} cannot run before {} (the day after the due date, OZ 299).", earliest.format("%d.%m.%Y")));
            } else if from > earliest {
                out.warn(
                    Code::InterestLate,
                    f("interest_from"),
                    from.format("%d.%m.%Y").to_string(),
                    format!(
                        "Interest on {doc} starts {} although it could start {}.",
                        from.format("%d.%m.%Y"),
                        earliest.format("%d.%m.%Y")
                    ),
                );
            }
        }
    }
    for (i, c) in claim.costs.iter().enumerate() {
        check_amount(
            &mut out,
            &format!("costs[{}].amount", i + 1),
            c.amount,
            &c.currency,
            &format!("cost '{}'", c.description),
        );
    }
    out.0
}

/// A claim as lint sees it in a batch: its id and identity.
pub struct Item<'a> {
    pub id: i64,
    pub claim_key: &'a str,
    pub claim: &'a Claim,
}

/// Earlier filings lint knows of: claim keys and (creditor, document number) pairs filed.
#[derive(Debug, Default)]
pub struct Filed {
    /// claim_key → proposal id
    pub claims: HashMap<String, String>,
    /// (any identity key of the creditor, normalised document number) → proposal id
    pub documents: HashMap<(String, String), String>,
}

impl Filed {
    /// Records a filed claim's documents under every identity key of its creditor.
    pub fn add_documents(&mut self, claim: &Claim, proposal_id: &str) {
        for key in claim.creditor.party.identity_keys() {
            for d in &claim.documents {
                self.documents.insert(
                    (key.clone(), d.normalized_number()),
                    proposal_id.to_string(),
                );
            }
        }
    }
}

/// Checks every claim and the duplicates among them and against earlier filings. Returns the
/// findings per claim id, in input order. A creditor is the same creditor when any of its
/// identifiers match (tax number, matična, EMŠO), so a second export that omits one identifier
/// cannot file a document twice.
pub fn lint_batch(items: &[Item<'_>], filed: &Filed, today: NaiveDate) -> Vec<(i64, Vec<Finding>)> {
    let mut seen_claims: HashMap<&str, i64> = HashMap::new();
    let mut seen_docs: HashMap<(String, String), i64> = HashMap::new();
    let mut result = Vec::with_capacity(items.len());
    for it in items {
        let mut out = Out(lint_claim(it.claim, today));
        let already_filed = filed.claims.get(it.claim_key);
        if let Some(p) = already_filed {
            out.error(
                Code::AlreadyFiled,
                "claim",
                it.claim_key,
                format!("This claim was already filed (proposal {p}); it will not be filed again."),
            );
        } else if let Some(first) = seen_claims.get(it.claim_key) {
            out.error(Code::DuplicateClaim, "claim", it.claim_key, format!("The same claim (creditor, debtor and documents) is also claim {first}, not yet filed; remove one of them."));
        } else {
            seen_claims.insert(it.claim_key, it.id);
        }
        let creditor_keys = it.claim.creditor.party.identity_keys();
        let mut in_claim: HashMap<String, usize> = HashMap::new();
        for (i, d) in it.claim.documents.iter().enumerate() {
            let number = d.normalized_number();
            let field = format!("documents[{}].number", i + 1);
            if let Some(first) = in_claim.get(&number) {
                out.error(Code::DuplicateDocument, field, &d.number, format!("Document {} appears twice in this claim (documents {} and {}); a document can be claimed once.", d.number, first, i + 1));
                continue;
            }
            in_claim.insert(number.clone(), i + 1);
            if already_filed.is_some() {
                continue;
            }
            let keys: Vec<(String, String)> = creditor_keys
                .iter()
                .map(|k| (k.clone(), number.clone()))
                .collect();
            if let Some(p) = keys.iter().find_map(|k| filed.documents.get(k)) {
                out.error(Code::DocumentAlreadyFiled, field, &d.number, format!("Document {} of this creditor was already filed in proposal {p}; a document can be enforced once.", d.number));
            } else if let Some(first) = keys
                .iter()
                .find_map(|k| seen_docs.get(k).filter(|c| **c != it.id))
            {
                out.error(Code::DuplicateDocument, field, &d.number, format!("Document {} of this creditor is also in claim {first}, not yet filed (duplicate invoice).", d.number));
            } else {
                for k in keys {
                    seen_docs.insert(k, it.id);
                }
            }
        }
        result.push((it.id, out.0));
    }
    result
}

/// True when the findings allow filing (no errors).
pub fn is_clean(findings: &[Finding]) -> bool {
    findings.iter().all(|f| f.severity != Severity::Error)
}

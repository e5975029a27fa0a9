//! Lint's insolvency check (design.md §4 step 2; ZFPPIPP 131): every unfiled claim's debtor
//! against the daily lists and notices writ holds. An exact identifier match blocks filing; a
//! name + address + birth date candidate is a warning until a person confirms it (then it
//! blocks) or rejects it (then it is silent). A fuzzy match never blocks by itself.

use std::collections::HashMap;

use crate::filing::lint::{Code, Finding, Severity};
use crate::filing::model::Claim;
use crate::store::insolvency::Decision;
use crate::tracker::insolvency::{
    DailyList, DebtorIndex, DebtorRecord, LintFinding, Match, MatchSource, Notice, lint_finding,
};

/// The key under which a person's decision on a match is stored.
pub fn record_key(m: &Match) -> String {
    match &m.source {
        MatchSource::DailyList {
            list_date,
            sequence,
            entry,
        } => {
            format!("daily_list:{list_date}#{sequence}:{}", entry.tax_number)
        }
        MatchSource::Notice { notice } => format!("notice:{}", notice.notice_id),
        MatchSource::Query { asked_on, .. } => format!("query:{asked_on}"),
    }
}

/// Insolvency findings per claim id.
pub fn check(
    claims: &[(i64, &Claim)],
    lists: &[DailyList],
    notices: &[Notice],
    decisions: &[Decision],
) -> HashMap<i64, Vec<Finding>> {
    let index = DebtorIndex::build(claims.iter().map(|(id, c)| DebtorRecord {
        debtor_ref: id.to_string(),
        party: c.debtor.party.clone(),
    }));
    let mut matches: Vec<Match> = lists
        .iter()
        .flat_map(|l| index.check_daily_list(l))
        .collect();
    matches.extend(index.check_notices(notices));
    let decided: HashMap<(i64, &str), bool> = decisions
        .iter()
        .map(|d| ((d.claim_id, d.record_key.as_str()), d.confirmed))
        .collect();
    let mut out: HashMap<i64, Vec<Finding>> = HashMap::new();
    for m in &matches {
        let Ok(claim_id) = m.debtor_ref.parse::<i64>() else {
            continue;
        };
        let key = record_key(m);
        let finding = match lint_finding(m) {
            LintFinding::Block(b) => Finding {
                code: Code::Insolvency,
                severity: Severity::Error,
                field: "debtor".into(),
                value: key,
                message: format!("{}.", b.reason),
            },
            LintFinding::Review(r) => match decided.get(&(claim_id, key.as_str())) {
                Some(false) => continue,
                Some(true) => Finding {
                    code: Code::Insolvency,
                    severity: Severity::Error,
                    field: "debtor".into(),
                    value: key,
                    message: format!(
                        "{} — confirmed by a person: the debtor is the one in the notice; ZFPPIPP 131 forbids a new enforcement order.",
                        r.message
                    ),
                },
                None => Finding {
                    code: Code::InsolvencyCandidate,
                    severity: Severity::Warning,
                    field: "debtor".into(),
                    value: key.clone(),
                    message: format!(
                        "{} (writ insolvency confirm {claim_id} {key} --yes|--no).",
                        r.message
                    ),
                },
            },
        };
        let v = out.entry(claim_id).or_default();
        if !v
            .iter()
            .any(|f| f.value == finding.value && f.code == finding.code)
        {
            v.push(finding);
        }
    }
    out
}

//! Lint's insolvency check (design.md §4 step 2; ZFPPIPP 131): every unfiled claim's debtor
//! against the daily lists, notices and query-service answers writ holds. An exact identifier
//! match blocks filing; a name + address + birth date candidate is a warning until a person
//! confirms it (then it blocks) or rejects it (then it is silent). A fuzzy match never blocks by
//! itself. Of the query answers, only the latest per identifier is passed in: a "yes" blocks the
//! debtors with that tax number or EMŠO, a "no" blocks nothing.

use std::collections::HashMap;

use crate::filing::lint::{Code, Finding, Severity};
use crate::filing::model::Claim;
use crate::store::insolvency::Decision;
use crate::tracker::insolvency::{
    DailyList, DebtorIndex, DebtorRecord, LintFinding, Match, MatchSource, Notice, QueryRecord,
    lint_finding,
};

/// A notice's key in decisions and lint findings: `notice:<id>`.
pub fn notice_key(notice: &Notice) -> String {
    format!("notice:{}", notice.notice_id)
}

/// The command a person runs to decide on a candidate, as lint findings and alerts print it
/// (and as `writ insolvency confirm` finds its alert again).
pub fn confirm_command(claim_id: i64, key: &str) -> String {
    format!("writ insolvency confirm {claim_id} {key} --yes|--no")
}

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
        MatchSource::Notice { notice } => notice_key(notice),
        MatchSource::Query { id, asked_on } => {
            format!("query:{}:{}@{asked_on}", id.kind_code(), id.value())
        }
    }
}

/// Insolvency findings per claim id. `queries` are the answers that count (the latest per
/// identifier).
pub fn check(
    claims: &[(i64, &Claim)],
    lists: &[DailyList],
    notices: &[Notice],
    queries: &[QueryRecord],
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
    for q in queries {
        matches.extend(index.match_query(&q.id, q.answer, q.asked_on));
    }
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
                    message: format!("{} ({}).", r.message, confirm_command(claim_id, &key)),
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

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::filing::model::{Address, Creditor, Debtor, Means, Party, PartyKind};
    use crate::law::ids::Emso;
    use crate::tracker::insolvency::{QueryAnswer, QueryId};

    fn claim_against(emso: &str) -> Claim {
        let party = Party {
            kind: PartyKind::Natural,
            first_name: "Janez".into(),
            name: "Novak".into(),
            tax_number: None,
            registration_number: None,
            emso: Some(emso.into()),
            birth_date: None,
            address: Address::default(),
        };
        Claim {
            external_ref: None,
            creditor: Creditor {
                party: party.clone(),
                iban: None,
                account_holder: String::new(),
                representative: None,
            },
            debtor: Debtor {
                party,
                means: Means::default(),
            },
            documents: vec![],
            costs: vec![],
            claim_court_fee: true,
            interest_on_costs: true,
            bailiff: None,
            commercial: false,
        }
    }

    #[test]
    fn a_yes_from_the_query_service_blocks_and_a_no_does_not() {
        let emso = Emso::parse("0101006500006").unwrap();
        let claim = claim_against(emso.as_str());
        let other = claim_against(Emso::complete("150398550000").unwrap().as_str());
        let claims = [(7, &claim), (8, &other)];
        let record = |answer| QueryRecord {
            id: QueryId::Emso(emso.clone()),
            answer,
            asked_on: NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
            source: "http://127.0.0.1:1".into(),
        };
        let found = check(
            &claims,
            &[],
            &[],
            &[record(QueryAnswer::InProceedings)],
            &[],
        );
        assert_eq!(found.len(), 1, "only the debtor with that EMŠO: {found:?}");
        let f = &found[&7];
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].code, f[0].severity, f[0].value.as_str()),
            (
                Code::Insolvency,
                Severity::Error,
                "query:emso:0101006500006@2026-12-03"
            )
        );
        assert_eq!(
            f[0].message,
            "Insolvency proceedings are pending against EMŠO 0101006500006 (CIF query answer of 03.12.2026; the query service gives no case number or court, ZFPPIPP 122(3)); ZFPPIPP 131 forbids a new enforcement order."
        );
        assert!(
            check(
                &claims,
                &[],
                &[],
                &[record(QueryAnswer::NotInProceedings)],
                &[]
            )
            .is_empty()
        );
    }
}

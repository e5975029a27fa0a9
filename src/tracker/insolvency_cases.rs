//! The insolvency watch's effect on open cases (ZFPPIPP 132): a published notice of opened
//! proceedings against a case's debtor moves the case — compulsory settlement interrupts it
//! (stayed), bankruptcy stops it unless the bank order was served before opening — with the notice
//! as the source, and records the claim-filing deadline (ZFPPIPP 59: 1 month for compulsory
//! settlement, 3 months for bankruptcy, from publication; moved per ZPP 111). Only notices move
//! cases, and only on an exact identifier match: a daily list row (tax number, date, type) blocks
//! new filings but carries no case number to act on, and a fuzzy match never acts by itself.

use std::collections::HashMap;

use chrono::Utc;

use crate::filing::insolvency_check::{confirm_command, notice_key};
use crate::law::Calendar;
use crate::law::deadlines::DeadlineRule;
use crate::store::alerts::{self, NewAlert, Severity};
use crate::store::cases::{self, Source};
use crate::store::{Db, claims, events, insolvency};
use crate::tracker::case_state::{self, CaseEvent, CaseState, InsolvencyKind};
use crate::tracker::deadlines::{Deadline, Facts, deadlines_after};
use crate::tracker::insolvency::{
    DebtorIndex, DebtorRecord, MatchSource, Notice, ProceedingsType, Strength, claim_deadline,
};

/// One case moved by a notice.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Moved {
    pub case_id: i64,
    pub notice_id: String,
    pub from: String,
    pub to: String,
    /// The claim-filing deadline, when one follows.
    pub file_claim_by: Option<chrono::NaiveDate>,
}

fn kind(t: ProceedingsType) -> InsolvencyKind {
    match t {
        ProceedingsType::CompulsorySettlement | ProceedingsType::SimplifiedCompulsorySettlement => {
            InsolvencyKind::CompulsorySettlement
        }
        ProceedingsType::PersonalBankruptcy => InsolvencyKind::PersonalBankruptcy,
        // Compulsory liquidation is treated as bankruptcy (noted in docs/insolvency-sources.md).
        ProceedingsType::Bankruptcy | ProceedingsType::Liquidation => InsolvencyKind::Bankruptcy,
    }
}

/// Applies every stored notice to the open cases whose debtor it names (exactly). Idempotent: a
/// notice moves a case once. Returns the cases moved and the reasons a matching case was not.
pub async fn apply_notices(db: &Db) -> anyhow::Result<(Vec<Moved>, Vec<String>)> {
    let notices: Vec<_> = insolvency::notices(db)
        .await?
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    if notices.is_empty() {
        return Ok((vec![], vec![]));
    }
    let open = cases::open_cases(db).await?;
    let claims: HashMap<i64, _> = claims::list(db, None)
        .await?
        .into_iter()
        .map(|c| (c.id, c.claim))
        .collect();
    let index = DebtorIndex::build(open.iter().filter_map(|c| {
        claims.get(&c.claim_id).map(|claim| DebtorRecord {
            debtor_ref: c.id.to_string(),
            party: claim.debtor.party.clone(),
        })
    }));
    let by_id: HashMap<i64, &cases::CaseRow> = open.iter().map(|c| (c.id, c)).collect();
    let calendar = Calendar::slovenia();
    let mut moved = Vec::new();
    let mut skipped = Vec::new();
    let decisions: HashMap<(i64, String), bool> = insolvency::decisions(db)
        .await?
        .into_iter()
        .map(|d| ((d.claim_id, d.record_key), d.confirmed))
        .collect();
    for m in index.check_notices(&notices) {
        let MatchSource::Notice { notice } = &m.source else {
            continue;
        };
        let Some(case) = m
            .debtor_ref
            .parse::<i64>()
            .ok()
            .and_then(|id| by_id.get(&id))
        else {
            continue;
        };
        // A name + address + birth date match (a consumer's notice carries no identifier)
        // acts only once a person confirmed it; until then it is an alert, so that the claim
        // deadline is in front of a person either way.
        if let Strength::Candidate { score, .. } = &m.strength {
            let key = notice_key(notice);
            match decisions.get(&(case.claim_id, key.clone())) {
                Some(true) => {}
                Some(false) => continue,
                None => {
                    candidate_alert(db, case, notice, *score, &key, &calendar).await?;
                    continue;
                }
            }
        }
        if cases::has_transition_from(db, case.id, "insolvency_notice", &notice.notice_id).await? {
            continue;
        }
        // ZFPPIPP 132(4)3: for bank funds the "sale" is done when the order was served on the
        // bank; writ knows that from the case having reached execution at the bank.
        let bank_served = matches!(case.state, CaseState::Executing | CaseState::PartiallyPaid);
        let event = CaseEvent::InsolvencyOpened {
            kind: kind(notice.proceedings_type),
            date: notice.opening_date,
            bank_order_served_before: bank_served,
        };
        let t = match case_state::apply(&case.state, &event) {
            Ok(t) => t,
            Err(e) => {
                skipped.push(format!(
                    "case {}: notice {}: {e}",
                    case.id, notice.notice_id
                ));
                continue;
            }
        };
        let mut facts = Facts::new(&calendar);
        facts.notice_published_on = Some(notice.publication_date);
        let mut deadlines = deadlines_after(&t, &facts)?;
        reconcile_with_notice(&mut deadlines, notice, &calendar);
        let file_by = deadlines.iter().map(|d| d.end()).min();
        let now = Utc::now();
        let mut tx = db.begin().await?;
        cases::record_transition(
            &mut tx,
            case.id,
            &t,
            Source::InsolvencyNotice(&notice.notice_id),
            &deadlines,
            now,
        )
        .await?;
        events::append(
            &mut tx,
            events::NewEvent {
                at: now,
                actor: &events::current_actor(),
                entity: "case",
                entity_id: case.id.to_string(),
                action: "insolvency",
                detail: serde_json::json!({"notice": notice.notice_id, "from": t.from.to_string(), "to": t.to.to_string(), "reason": t.reason}).to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        moved.push(Moved {
            case_id: case.id,
            notice_id: notice.notice_id.clone(),
            from: t.from.to_string(),
            to: t.to.to_string(),
            file_claim_by: file_by,
        });
    }
    Ok((moved, skipped))
}

/// Raises (once) the alert that an open case's debtor may be the person in a notice.
async fn candidate_alert(
    db: &Db,
    case: &cases::CaseRow,
    notice: &Notice,
    score: u8,
    key: &str,
    calendar: &Calendar,
) -> anyhow::Result<()> {
    let by = claim_deadline(notice, calendar)
        .map(|d| {
            format!(
                "; if so, file the claim by {}",
                d.file_by.format("%d.%m.%Y")
            )
        })
        .unwrap_or_default();
    let mut tx = db.begin().await?;
    alerts::raise_once(
        &mut tx,
        NewAlert {
            at: Utc::now(),
            source: "insolvency",
            severity: Severity::Warning,
            message: format!(
                "case {} ({}): the debtor may be {} of notice {} ({}, {} {}, published {}; name, address and birth date match {score}/100){by}. Decide: {}",
                case.id,
                case.case_number.as_deref().unwrap_or("no VL number"),
                notice.debtor.name,
                notice.notice_id,
                notice.proceedings_type,
                notice.court,
                notice.case_number,
                notice.publication_date.format("%d.%m.%Y"),
                confirm_command(case.claim_id, key),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The notice may state its own claim deadline: the day to file by is then the earlier of the
/// stated and the counted one, as [`claim_deadline`] decides for the claim draft, and its
/// warnings (a disagreement, an assumed rule) go with the deadline for the person who reads it.
fn reconcile_with_notice(deadlines: &mut [Deadline], notice: &Notice, calendar: &Calendar) {
    let claim_rules = [
        DeadlineRule::InsolvencyClaimCompulsorySettlement,
        DeadlineRule::InsolvencyClaimBankruptcy,
    ];
    for d in deadlines
        .iter_mut()
        .filter(|d| claim_rules.contains(&d.rule()))
    {
        match claim_deadline(notice, calendar) {
            Ok(cd) => {
                if cd.file_by < d.computed.end {
                    d.computed.end = cd.file_by;
                    d.computed
                        .citation
                        .push_str("; the deadline stated in the notice");
                }
                for w in &cd.warnings {
                    d.what.push_str(&format!(" — {w}"));
                }
            }
            Err(e) => d.what.push_str(&format!(
                " — {e}; the {} rule was applied as an assumption: read the notice",
                if notice.proceedings_type.is_compulsory_settlement() {
                    "compulsory settlement"
                } else {
                    "bankruptcy"
                }
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filing::model::*;
    use crate::law::ids::{CaseNumber, RegistrationNumber, TaxNumber};
    use crate::store::batches::{ImportedClaim, record_batch};
    use crate::store::packages::{NewPackage, NewProposal, seal};
    use crate::store::testing;
    use crate::tracker::insolvency::{DebtorKind, NoticeAddress, SimDebtor};
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    fn claim() -> Claim {
        let party = |name: &str, tax: &str, mat: &str| Party {
            kind: PartyKind::Legal,
            first_name: String::new(),
            name: name.into(),
            tax_number: Some(tax.into()),
            registration_number: Some(mat.into()),
            emso: None,
            birth_date: None,
            address: Address {
                street: "Celovška cesta".into(),
                house_number: "200".into(),
                post_code: "1000".into(),
                city: "Ljubljana".into(),
                post_name: "Ljubljana".into(),
                country: "SVN".into(),
            },
        };
        Claim {
            external_ref: Some("S1".into()),
            creditor: Creditor {
                party: party("Primer d.o.o.", "12345679", "2345676000"),
                iban: Some("SI56051008000123473".into()),
                account_holder: "Primer d.o.o.".into(),
                representative: None,
            },
            debtor: Debtor {
                party: party("Gradnje Horvat d.o.o.", "34567895", "4567897000"),
                means: Means {
                    bank_funds: true,
                    bank_accounts: vec![],
                    movables: false,
                },
            },
            documents: vec![AuthenticDocument {
                kind_code: 1,
                number: "R-1".into(),
                issue_date: None,
                due_date: NaiveDate::from_ymd_opt(2026, 3, 1),
                amount: Decimal::new(10000, 2),
                currency: "EUR".into(),
                interest: InterestClaim::Statutory {
                    from: None,
                    to: None,
                },
            }],
            costs: vec![],
            claim_court_fee: true,
            interest_on_costs: true,
            bailiff: None,
            commercial: true,
        }
    }

    /// A filed claim with an open case (order issued, VL 9/2026); returns (claim id, case id)
    /// and an open transaction holding them, for the caller to add notices and commit.
    async fn seed_case(db: &Db, c: &Claim) -> (i64, i64, crate::store::Tx) {
        let now = Utc::now();

        let mut tx = db.begin().await.unwrap();
        let stored = record_batch(
            &mut tx,
            &["x".into()],
            &[ImportedClaim {
                claim: c.clone(),
                file: "x".into(),
                rows: vec![2],
            }],
            &[],
            now,
        )
        .await
        .unwrap();
        let claim_id = stored.claim_ids[0];
        seal(
            &mut tx,
            &NewPackage {
                id: "PKG-1".into(),
                item_count: 1,
                control_sum: "100.00".into(),
                xml: b"<p/>".to_vec(),
                sha256: "0".repeat(64),
            },
            &[NewProposal {
                id: "P-1".into(),
                claim_id,
                claim_key: c.identity_key(),
                seq: 1,
                principal: "100.00".into(),
                xml: b"<x/>".to_vec(),
                sha256: "0".repeat(64),
            }],
            now,
        )
        .await
        .unwrap();
        let case_id = cases::insert_case(
            &mut tx,
            &cases::NewCase {
                claim_id,
                proposal_id: "P-1",
                case_number: Some("VL 9/2026"),
                state: &CaseState::OrderIssued,
                fee_reference: None,
                fee_amount: None,
                fee_due_date: None,
            },
            now,
        )
        .await
        .unwrap()
        .unwrap();
        (claim_id, case_id, tx)
    }

    #[tokio::test]
    async fn a_compulsory_settlement_notice_stays_the_case_and_shows_its_claim_deadline() {
        for t in testing::all().await {
            let db = &t.db;
            let (_, case_id, mut tx) = seed_case(db, &claim()).await;
            let now = Utc::now();
            // Published on Friday 30 October 2026: one month ends on Monday 30 November.
            let published = NaiveDate::from_ymd_opt(2026, 10, 30).unwrap();
            let notice = SimDebtor {
                kind: DebtorKind::LegalPerson,
                name: "Gradnje Horvat d.o.o.".into(),
                tax_number: TaxNumber::parse("34567895").unwrap(),
                registration_number: Some(RegistrationNumber::parse("4567897000").unwrap()),
                emso: None,
                birth_date: None,
                address: NoticeAddress::default(),
                proceedings_type: ProceedingsType::CompulsorySettlement,
                opening_date: published,
                publication_date: published,
                claim_deadline: None,
                court: "Okrožno sodišče v Ljubljani".into(),
                case_number: CaseNumber::parse("St 77/2026").unwrap(),
                administrator: None,
            }
            .notice();
            insolvency::add_notice(&mut tx, &notice, "test", now)
                .await
                .unwrap();
            tx.commit().await.unwrap();

            let (moved, skipped) = apply_notices(db).await.unwrap();
            assert!(skipped.is_empty(), "{skipped:?}");
            assert_eq!(moved.len(), 1, "{}", db.backend());
            assert!(moved[0].to.contains("stayed"), "{:?}", moved[0]);
            assert_eq!(
                moved[0].file_claim_by,
                NaiveDate::from_ymd_opt(2026, 11, 30)
            );
            let row = cases::get(db, case_id).await.unwrap().unwrap();
            assert!(
                matches!(row.state, CaseState::Stayed { .. }),
                "{:?}",
                row.state
            );
            let open = cases::deadlines(db, case_id, false).await.unwrap();
            assert!(
                open.iter()
                    .any(|d| d.due == NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()),
                "{open:?}"
            );
            let history = cases::transitions(db, case_id).await.unwrap();
            assert!(
                history
                    .iter()
                    .any(|h| format!("{h:?}").contains(&notice.notice_id)),
                "{history:?}"
            );
            // Applying again changes nothing.
            assert!(apply_notices(db).await.unwrap().0.is_empty());
        }
    }

    fn settlement_notice(stated: Option<NaiveDate>, kind: ProceedingsType) -> Notice {
        let published = NaiveDate::from_ymd_opt(2026, 10, 30).unwrap();
        SimDebtor {
            kind: DebtorKind::LegalPerson,
            name: "Gradnje Horvat d.o.o.".into(),
            tax_number: TaxNumber::parse("34567895").unwrap(),
            registration_number: None,
            emso: None,
            birth_date: None,
            address: NoticeAddress::default(),
            proceedings_type: kind,
            opening_date: published,
            publication_date: published,
            claim_deadline: stated,
            court: "Okrožno sodišče v Ljubljani".into(),
            case_number: CaseNumber::parse("St 77/2026").unwrap(),
            administrator: None,
        }
        .notice()
    }

    fn settlement_deadline(notice: &Notice) -> Vec<Deadline> {
        let calendar = Calendar::slovenia();
        let t = case_state::apply(
            &CaseState::OrderIssued,
            &CaseEvent::InsolvencyOpened {
                kind: kind(notice.proceedings_type),
                date: notice.opening_date,
                bank_order_served_before: false,
            },
        )
        .unwrap();
        let mut facts = Facts::new(&calendar);
        facts.notice_published_on = Some(notice.publication_date);
        let mut d = deadlines_after(&t, &facts).unwrap();
        reconcile_with_notice(&mut d, notice, &calendar);
        d
    }

    #[test]
    fn an_earlier_deadline_stated_in_the_notice_is_the_one_kept() {
        // Counted: Monday 30 November 2026. The notice says 20 November: file by the 20th.
        let stated = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let d = settlement_deadline(&settlement_notice(
            Some(stated),
            ProceedingsType::CompulsorySettlement,
        ));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].end(), stated);
        assert!(
            d[0].what.contains("file by the earlier, 20.11.2026"),
            "{}",
            d[0].what
        );
        assert!(d[0].citation().contains("stated in the notice"));
        // A later stated deadline does not extend the counted one.
        let later = NaiveDate::from_ymd_opt(2026, 12, 15).unwrap();
        let d = settlement_deadline(&settlement_notice(
            Some(later),
            ProceedingsType::CompulsorySettlement,
        ));
        assert_eq!(d[0].end(), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        // No stated deadline: the counted one, no remark.
        let d = settlement_deadline(&settlement_notice(
            None,
            ProceedingsType::CompulsorySettlement,
        ));
        assert_eq!(d[0].end(), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert!(!d[0].what.contains(" — "), "{}", d[0].what);
    }

    #[test]
    fn a_liquidation_without_a_stated_deadline_says_the_rule_is_assumed() {
        let d = settlement_deadline(&settlement_notice(None, ProceedingsType::Liquidation));
        assert_eq!(d.len(), 1);
        assert!(d[0].what.contains("read the notice"), "{}", d[0].what);
    }

    #[tokio::test]
    async fn a_consumer_notice_alerts_until_a_person_confirms_then_stops_the_case() {
        for t in testing::all().await {
            let db = &t.db;
            let mut c = claim();
            c.debtor.party = Party {
                kind: PartyKind::Natural,
                first_name: "Janez".into(),
                name: "Novak".into(),
                tax_number: None,
                registration_number: None,
                emso: None,
                birth_date: NaiveDate::from_ymd_opt(1970, 1, 1),
                address: c.debtor.party.address.clone(),
            };
            let (claim_id, case_id, mut tx) = seed_case(db, &c).await;
            // Personal bankruptcy published Friday 30 October 2026: the notice names the
            // consumer, the address and the birth date only (ZFPPIPP 122(2)).
            let published = NaiveDate::from_ymd_opt(2026, 10, 30).unwrap();
            let notice = SimDebtor {
                kind: DebtorKind::Consumer,
                name: "Janez Novak".into(),
                tax_number: TaxNumber::parse("10000011").unwrap(),
                registration_number: None,
                emso: None,
                birth_date: NaiveDate::from_ymd_opt(1970, 1, 1),
                address: NoticeAddress {
                    street: "Celovška cesta 200".into(),
                    post_code: "1000".into(),
                    city: "Ljubljana".into(),
                },
                proceedings_type: ProceedingsType::PersonalBankruptcy,
                opening_date: published,
                publication_date: published,
                claim_deadline: None,
                court: "Okrajno sodišče v Ljubljani".into(),
                case_number: CaseNumber::parse("St 5/2026").unwrap(),
                administrator: None,
            }
            .notice();
            assert_eq!(notice.debtor.tax_number, None);
            insolvency::add_notice(&mut tx, &notice, "test", Utc::now())
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let key = format!("notice:{}", notice.notice_id);

            // Unconfirmed: the case does not move; one alert names the deadline and the command.
            for _ in 0..2 {
                let (moved, _) = apply_notices(db).await.unwrap();
                assert!(moved.is_empty(), "{moved:?}");
            }
            let raised: Vec<_> = alerts::list(db, false)
                .await
                .unwrap()
                .into_iter()
                .filter(|a| a.message.contains(&key))
                .collect();
            assert_eq!(raised.len(), 1, "{raised:?}");
            assert!(
                raised[0].message.contains("file the claim by 01.02.2027"),
                "three months end on Saturday 30.01.2027: {}",
                raised[0].message
            );
            assert!(
                raised[0]
                    .message
                    .contains(&format!("writ insolvency confirm {claim_id} {key}")),
                "{}",
                raised[0].message
            );
            assert_eq!(
                cases::get(db, case_id).await.unwrap().unwrap().state,
                CaseState::OrderIssued
            );

            // A person confirms: the case stops (bankruptcy, no bank order served), with the
            // deadline.
            let mut tx = db.begin().await.unwrap();
            insolvency::decide(
                &mut tx,
                &insolvency::Decision {
                    claim_id,
                    record_key: key.clone(),
                    confirmed: true,
                    decided_by: "test".into(),
                    note: String::new(),
                },
                Utc::now(),
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            let (moved, _) = apply_notices(db).await.unwrap();
            assert_eq!(moved.len(), 1, "{}", db.backend());
            assert_eq!(moved[0].file_claim_by, NaiveDate::from_ymd_opt(2027, 2, 1));
            assert_eq!(
                cases::get(db, case_id).await.unwrap().unwrap().state,
                CaseState::Stopped
            );
        }
    }
}

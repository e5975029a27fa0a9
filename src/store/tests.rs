//! Every store function on every backend: SQLite always, PostgreSQL when
//! `WRIT_TEST_DATABASE_URL` is set.

use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use std::str::FromStr;

use super::batches::{ImportedClaim, Rejection};
use super::claims::{ClaimStatus, FindingRow};
use super::packages::{NewPackage, NewProposal};
use super::{batches, claims, events, packages, rates, testing};
use crate::filing::model::*;

fn party(kind: PartyKind, name: &str, tax: &str) -> Party {
    Party {
        kind,
        first_name: String::new(),
        name: name.into(),
        tax_number: Some(tax.into()),
        registration_number: None,
        emso: None,
        birth_date: None,
        address: Address {
            street: "Ulica".into(),
            house_number: "1".into(),
            post_code: "1000".into(),
            city: "Ljubljana".into(),
            post_name: "Ljubljana".into(),
            country: "SVN".into(),
        },
    }
}

fn claim(debtor_tax: &str, doc: &str) -> Claim {
    Claim {
        external_ref: Some(format!("C-{doc}")),
        creditor: Creditor {
            party: party(PartyKind::Legal, "Upnik d.o.o.", "12345679"),
            iban: Some("SI56051008000123473".into()),
            account_holder: "Upnik d.o.o.".into(),
            representative: None,
        },
        debtor: Debtor {
            party: party(PartyKind::Legal, "Dolžnik d.o.o.", debtor_tax),
            means: Means {
                bank_funds: true,
                bank_accounts: vec![],
                movables: false,
            },
        },
        documents: vec![AuthenticDocument {
            kind_code: 1,
            number: doc.into(),
            issue_date: None,
            due_date: NaiveDate::from_ymd_opt(2026, 3, 1),
            amount: Decimal::from_str("100.50").unwrap(),
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

#[tokio::test]
async fn every_store_function_on_every_backend() {
    for t in testing::all().await {
        let db = &t.db;
        let be = db.backend();
        assert!(db.is_empty().await.unwrap(), "{be}");
        let now = Utc::now();
        let imported = vec![
            ImportedClaim {
                claim: claim("34567895", "R-1"),
                file: "a.csv".into(),
                rows: vec![2, 3],
            },
            ImportedClaim {
                claim: claim("67891233", "R-2"),
                file: "a.csv".into(),
                rows: vec![4],
            },
        ];
        let rejected = vec![Rejection {
            file: "a.csv".into(),
            row: Some(5),
            field: "amount".into(),
            value: "12a".into(),
            reason: "not an amount".into(),
        }];
        let mut tx = db.begin().await.unwrap();
        let stored = batches::record_batch(&mut tx, &["a.csv".into()], &imported, &rejected, now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(stored.claim_ids.len(), 2, "{be}");
        assert_eq!(
            batches::rejections(db, stored.batch_id).await.unwrap(),
            rejected,
            "{be}"
        );
        assert!(!db.is_empty().await.unwrap());

        let unfiled = claims::unfiled(db).await.unwrap();
        assert_eq!(unfiled.len(), 2, "{be}");
        assert_eq!(
            unfiled[0].claim, imported[0].claim,
            "{be}: the claim round-trips exactly"
        );
        assert_eq!(unfiled[0].source_rows, "2,3");
        assert_eq!(
            claims::list(db, Some(stored.batch_id)).await.unwrap().len(),
            2
        );
        assert_eq!(
            claims::list(db, Some(stored.batch_id + 1))
                .await
                .unwrap()
                .len(),
            0
        );

        let (a, b) = (stored.claim_ids[0], stored.claim_ids[1]);
        let finding = FindingRow {
            claim_id: b,
            code: "L101".into(),
            severity: "error".into(),
            field: "debtor.tax_number".into(),
            value: "x".into(),
            message: "bad".into(),
        };
        let mut tx = db.begin().await.unwrap();
        claims::record_lint(
            &mut tx,
            now,
            &[(a, ClaimStatus::Ready), (b, ClaimStatus::Blocked)],
            std::slice::from_ref(&finding),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            claims::latest_findings(db).await.unwrap(),
            vec![finding],
            "{be}"
        );
        let ready = claims::ready_unproposed(db).await.unwrap();
        assert_eq!(
            ready.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec![a],
            "{be}"
        );

        let proposal = |id: &str, claim_id: i64, key: &str| NewProposal {
            id: id.into(),
            claim_id,
            claim_key: key.into(),
            seq: 1,
            principal: "100.50".into(),
            xml: b"<x/>".to_vec(),
            sha256: "00".repeat(32),
        };
        let pkg = |id: &str| NewPackage {
            id: id.into(),
            item_count: 1,
            control_sum: "100.50".into(),
            xml: b"<p/>".to_vec(),
            sha256: "11".repeat(32),
        };
        let mut tx = db.begin().await.unwrap();
        packages::seal(
            &mut tx,
            &pkg("PKG-1"),
            &[proposal("P-1", a, &ready[0].claim_key)],
            now,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert!(
            claims::ready_unproposed(db).await.unwrap().is_empty(),
            "{be}"
        );
        assert_eq!(
            packages::unwritten(db).await.unwrap(),
            vec!["PKG-1".to_string()]
        );
        let loaded = packages::load(db, "PKG-1").await.unwrap().unwrap();
        assert_eq!(
            (
                loaded.proposals.len(),
                loaded.xml.as_slice(),
                loaded.status.as_str()
            ),
            (1, &b"<p/>"[..], "sealed")
        );
        assert!(packages::load(db, "nope").await.unwrap().is_none());
        assert_eq!(claims::filed_claims(db).await.unwrap().len(), 1, "{be}");
        assert_eq!(
            packages::filed_keys(db).await.unwrap(),
            vec![(ready[0].claim_key.clone(), "P-1".to_string())]
        );

        // The database itself refuses a second proposal for the same claim.
        let mut tx = db.begin().await.unwrap();
        let err = packages::seal(
            &mut tx,
            &pkg("PKG-2"),
            &[proposal("P-2", a, &ready[0].claim_key)],
            now,
        )
        .await;
        assert!(err.is_err(), "{be}: a claim must never get two proposals");
        drop(tx);
        assert_eq!(packages::proposal_count(db).await.unwrap(), (1, 1));

        let mut tx = db.begin().await.unwrap();
        packages::mark_written(&mut tx, "PKG-1", "/tmp/x", now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(packages::unwritten(db).await.unwrap().is_empty());
        assert_eq!(
            packages::all_ids(db).await.unwrap(),
            vec!["PKG-1".to_string()]
        );

        let r = rates::EnteredRate {
            valid_from: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            rate_percent: "9.90".into(),
            source: "UL RS 1/2027".into(),
            entered_at: now,
        };
        let mut tx = db.begin().await.unwrap();
        rates::add(&mut tx, &r).await.unwrap();
        tx.commit().await.unwrap();
        let listed = rates::list(db).await.unwrap();
        assert_eq!((listed.len(), listed[0].rate_percent.as_str()), (1, "9.90"));

        let mut tx = db.begin().await.unwrap();
        events::append(
            &mut tx,
            events::NewEvent {
                at: now,
                actor: "t",
                entity: "x",
                entity_id: "1".into(),
                action: "a",
                detail: "{}".into(),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(events::verify_chain(db).await.unwrap(), 1);

        db.reset().await.unwrap();
        db.migrate().await.unwrap();
        assert!(
            db.is_empty().await.unwrap(),
            "{be}: reset empties the database"
        );
    }
}

#[test]
fn both_backends_have_the_same_migrations() {
    let names = |dir: &str| {
        let mut v: Vec<String> =
            std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
        v.sort();
        v
    };
    assert_eq!(names("sqlite"), names("postgres"));
}

use chrono::{TimeZone, Utc};
use rust_decimal::Decimal;

use super::*;
use crate::court::protocol::ReceiptItem;
use crate::law::ids::CaseNumber;
use crate::store::packages::{self, NewPackage, NewProposal};
use crate::store::testing;
use crate::tracker::acts::{Act, DeemedWithdrawn};

/// Two proposals of a written package, on two claims.
pub(crate) async fn seed(db: &Db) {
    let now = Utc::now();
    let sample = include_bytes!("../../../fixtures/sample-batch.csv");
    let built = crate::filing::import::parse_bytes("sample-batch.csv", sample);
    let mut tx = db.begin().await.unwrap();
    let stored = crate::store::batches::record_batch(
        &mut tx,
        &["sample-batch.csv".into()],
        &built.claims[..2],
        &[],
        now,
    )
    .await
    .unwrap();
    let proposals: Vec<NewProposal> = stored
        .claim_ids
        .iter()
        .enumerate()
        .map(|(i, id)| NewProposal {
            id: format!("P-{i}"),
            claim_id: *id,
            claim_key: format!("key-{i}"),
            seq: i as i64 + 1,
            principal: "10.00".into(),
            xml: b"<x/>".to_vec(),
            sha256: "ab".repeat(32),
        })
        .collect();
    packages::seal(
        &mut tx,
        &NewPackage {
            id: "PKG-1".into(),
            item_count: 2,
            control_sum: "20.00".into(),
            xml: b"<p/>".to_vec(),
            sha256: "cd".repeat(32),
        },
        &proposals,
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

pub(crate) fn receipt() -> Receipt {
    Receipt {
        receipt_id: "R-1".into(),
        package_id: "PKG-1".into(),
        package_sha256: "cd".repeat(32),
        received: Utc.with_ymd_and_hms(2026, 12, 3, 10, 0, 0).unwrap(),
        package_rejection: None,
        items: vec![
            ReceiptItem {
                seq: 1,
                proposal_id: "P-0".into(),
                verdict: Verdict::Accepted {
                    court_receipt_id: "CR-1".into(),
                    case_number: Some("VL 1/2026".into()),
                    fee_amount: Decimal::new(4400, 2),
                    fee_reference: "SI12202600000013".into(),
                    fee_due_date: NaiveDate::from_ymd_opt(2026, 12, 11).unwrap(),
                },
            },
            ReceiptItem {
                seq: 2,
                proposal_id: "P-1".into(),
                verdict: Verdict::Rejected {
                    code: "20003-NEUSTREZEN_PODPIS".into(),
                    message: "bad".into(),
                },
            },
        ],
    }
}

#[tokio::test]
async fn cases_from_a_receipt_then_a_document_on_every_backend() {
    for t in testing::all().await {
        let db = &t.db;
        seed(db).await;
        let now = Utc::now();
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let mut tx = db.begin().await.unwrap();
        assert_eq!(
            create_from_receipt(&mut tx, &receipt(), now).await.unwrap(),
            2
        );
        // Again: nothing new.
        assert_eq!(
            create_from_receipt(&mut tx, &receipt(), now).await.unwrap(),
            0
        );
        tx.commit().await.unwrap();

        let rows = list(db, None, None, today).await.unwrap();
        assert_eq!(rows.len(), 2, "{}", db.backend());
        assert_eq!(rows[0].state, "submitted");
        assert_eq!(rows[0].case_number.as_deref(), Some("VL 1/2026"));
        assert_eq!(
            rows[0].next_deadline,
            Some(NaiveDate::from_ymd_opt(2026, 12, 11).unwrap())
        );
        assert_eq!(rows[1].state, "rejected");
        assert_eq!(rows[1].next_deadline, None);
        assert_eq!(
            list(db, Some("rejected"), None, today).await.unwrap().len(),
            1
        );
        let before = NaiveDate::from_ymd_opt(2026, 12, 12).unwrap();
        assert_eq!(list(db, None, Some(before), today).await.unwrap().len(), 1);

        // A document: stored once, its act moves the case, the fee deadline closes.
        let mut tx = db.begin().await.unwrap();
        let case = lock_by_case_number(&mut tx, "VL 1/2026")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(case.state, CaseState::Submitted);
        assert_eq!(
            lock_by_fee_reference(&mut tx, "SI12202600000013")
                .await
                .unwrap()
                .unwrap()
                .id,
            case.id
        );
        let doc = NewDocument {
            external_id: "D-1",
            bytes: b"<doc/>",
            sha256: "00",
            signature_verified: true,
            verifier_message: None,
            parsed: true,
            parse_error: None,
            mismatches: &[],
            status: "applied",
            status_detail: None,
        };
        let doc_id = insert_document(&mut tx, &doc, now).await.unwrap().unwrap();
        assert_eq!(insert_document(&mut tx, &doc, now).await.unwrap(), None);
        let act = Act::DeemedWithdrawn(DeemedWithdrawn {
            case: CaseNumber::parse("VL 1/2026").unwrap(),
            decision_date: today,
            reason: None,
            served_on: None,
        });
        let tr = case_state::apply(&case.state, &CaseEvent::Act(act)).unwrap();
        record_transition(&mut tx, case.id, &tr, Source::Document(doc_id), &[], now)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let c = get(db, case.id).await.unwrap().unwrap();
        assert_eq!(c.state, CaseState::Withdrawn);
        let h = transitions(db, case.id).await.unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!(h[0].source_kind, "receipt");
        assert_eq!(h[0].source_ref.as_deref(), Some("R-1"));
        assert_eq!(h[1].document.as_deref(), Some("D-1"));
        assert!(deadlines(db, case.id, false).await.unwrap().is_empty());
        assert_eq!(deadlines(db, case.id, true).await.unwrap().len(), 1);
        assert_eq!(
            transitions_per_document(db).await.unwrap(),
            vec![("D-1".to_string(), 1)]
        );
        let stored = document(db, "D-1").await.unwrap().unwrap();
        assert!(stored.signature_verified);

        let mut tx = db.begin().await.unwrap();
        insert_fee_payment(
            &mut tx,
            "SI12202600000013",
            "44.00",
            today,
            Some(case.id),
            now,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
}

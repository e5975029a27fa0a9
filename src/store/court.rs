//! Submissions to the court exchange and the court's receipts.
//!
//! Two transactions around the request, never one across it: (1) [`begin_submission`] marks the
//! package `submitting` (attempt counted) and commits; (2) after the answer,
//! [`record_receipt`] stores the signed receipt byte for byte and the verdict per proposal, or
//! [`record_failure`] notes why the attempt failed (the package stays `submitting` and is sent
//! again, with the same package id, by the next run).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

use super::{Db, Result, StoreError, Tx, on_db, on_tx};
use crate::court::protocol::{Receipt, STATUS_PROCESSED, STATUS_REJECTED, Verdict};

/// What [`begin_submission`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmissionStart {
    /// Marked `submitting`; this is attempt number n (1 = first).
    Started { attempt: i64 },
    /// A receipt is already stored: nothing to send.
    AlreadyReceived,
}

/// A submission row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub package_id: String,
    pub court_url: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub receipt_id: Option<String>,
    pub receipt_status: Option<String>,
    pub receipt_xml: Option<Vec<u8>>,
    pub receipt_sha256: Option<String>,
}

/// The court's verdict on one proposal, as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReceiptItemRow {
    pub proposal_id: String,
    pub package_id: String,
    pub seq: i64,
    pub status: String,
    pub court_receipt_id: Option<String>,
    pub case_number: Option<String>,
    pub fee_amount: Option<String>,
    pub fee_reference: Option<String>,
    pub fee_due_date: Option<NaiveDate>,
    pub code: Option<String>,
    pub message: Option<String>,
}

/// Step 1: marks the package `submitting` to `court_url` (a new row, or one more attempt of a
/// row left `submitting`). Commit before sending.
pub async fn begin_submission(
    tx: &mut Tx,
    package_id: &str,
    court_url: &str,
    now: DateTime<Utc>,
) -> Result<SubmissionStart> {
    let current: Option<(String, i64)> = on_tx!(tx, |c| sqlx::query_as(
        "select status, attempts from court_submissions where package_id = $1"
    )
    .bind(package_id)
    .fetch_optional(&mut *c)
    .await?);
    match current {
        Some((status, _)) if status == "received" => Ok(SubmissionStart::AlreadyReceived),
        Some((_, attempts)) => {
            on_tx!(tx, |c| sqlx::query(
                "update court_submissions set attempts = attempts + 1, last_attempt_at = $1, \
                 court_url = $2 where package_id = $3"
            )
            .bind(now)
            .bind(court_url)
            .bind(package_id)
            .execute(&mut *c)
            .await
            .map(|_| ())?);
            Ok(SubmissionStart::Started {
                attempt: attempts + 1,
            })
        }
        None => {
            on_tx!(tx, |c| sqlx::query(
                "insert into court_submissions (package_id, court_url, status, attempts, \
                 first_attempt_at, last_attempt_at) values ($1, $2, 'submitting', 1, $3, $3)"
            )
            .bind(package_id)
            .bind(court_url)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|_| ())?);
            Ok(SubmissionStart::Started { attempt: 1 })
        }
    }
}

/// Notes a failed attempt; the package stays `submitting`.
pub async fn record_failure(tx: &mut Tx, package_id: &str, error: &str) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "update court_submissions set last_error = $1 where package_id = $2"
    )
    .bind(error)
    .bind(package_id)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    Ok(())
}

/// Step 2: stores the receipt (its exact bytes) and the verdict per proposal; the package
/// becomes `received`. The receipt must be for this package.
pub async fn record_receipt(
    tx: &mut Tx,
    package_id: &str,
    receipt: &Receipt,
    xml: &[u8],
    now: DateTime<Utc>,
) -> Result<()> {
    if receipt.package_id != package_id {
        return Err(StoreError::Corrupt(format!(
            "receipt for package {} offered for package {package_id}",
            receipt.package_id
        )));
    }
    let status = if receipt.package_rejection.is_some() {
        STATUS_REJECTED
    } else {
        STATUS_PROCESSED
    };
    let sha = crate::filing::package::sha256_hex(xml);
    on_tx!(tx, |c| sqlx::query(
        "update court_submissions set status = 'received', received_at = $1, receipt_id = $2, \
         receipt_status = $3, receipt_xml = $4, receipt_sha256 = $5, last_error = null \
         where package_id = $6"
    )
    .bind(now)
    .bind(&receipt.receipt_id)
    .bind(status)
    .bind(xml)
    .bind(&sha)
    .bind(package_id)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    for it in &receipt.items {
        let row = match &it.verdict {
            Verdict::Accepted {
                court_receipt_id,
                case_number,
                fee_amount,
                fee_reference,
                fee_due_date,
            } => (
                "accepted",
                Some(court_receipt_id.clone()),
                case_number.clone(),
                Some(format!("{fee_amount:.2}")),
                Some(fee_reference.clone()),
                Some(*fee_due_date),
                None,
                None,
            ),
            Verdict::Rejected { code, message } => (
                "rejected",
                None,
                None,
                None,
                None,
                None,
                Some(code.clone()),
                Some(message.clone()),
            ),
        };
        on_tx!(tx, |c| sqlx::query(
            "insert into court_receipt_items (proposal_id, package_id, seq, status, \
             court_receipt_id, case_number, fee_amount, fee_reference, fee_due_date, code, \
             message) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        )
        .bind(&it.proposal_id)
        .bind(package_id)
        .bind(i64::from(it.seq))
        .bind(row.0)
        .bind(&row.1)
        .bind(&row.2)
        .bind(&row.3)
        .bind(&row.4)
        .bind(row.5)
        .bind(&row.6)
        .bind(&row.7)
        .execute(&mut *c)
        .await
        .map(|_| ())?);
    }
    Ok(())
}

/// Packages written to the outbox and not yet answered by the court (never sent, or left
/// `submitting`), oldest first.
pub async fn pending(db: &Db) -> Result<Vec<String>> {
    on_db!(db, |p| Ok(sqlx::query_scalar(
        "select p.id from packages p left join court_submissions s on s.package_id = p.id \
         where p.status = 'written' and (s.package_id is null or s.status = 'submitting') \
         order by p.created_at, p.id"
    )
    .fetch_all(p)
    .await?))
}

/// The submission of a package, if any.
pub async fn submission(db: &Db, package_id: &str) -> Result<Option<Submission>> {
    on_db!(db, |p| {
        let Some(r) = sqlx::query(
            "select package_id, court_url, status, attempts, last_error, receipt_id, \
             receipt_status, receipt_xml, receipt_sha256 from court_submissions \
             where package_id = $1",
        )
        .bind(package_id)
        .fetch_optional(p)
        .await?
        else {
            return Ok(None);
        };
        Ok(Some(Submission {
            package_id: r.try_get("package_id")?,
            court_url: r.try_get("court_url")?,
            status: r.try_get("status")?,
            attempts: r.try_get("attempts")?,
            last_error: r.try_get("last_error")?,
            receipt_id: r.try_get("receipt_id")?,
            receipt_status: r.try_get("receipt_status")?,
            receipt_xml: r.try_get("receipt_xml")?,
            receipt_sha256: r.try_get("receipt_sha256")?,
        }))
    })
}

/// The court's verdicts on a package's proposals, in package order.
pub async fn receipt_items(db: &Db, package_id: &str) -> Result<Vec<ReceiptItemRow>> {
    on_db!(db, |p| {
        sqlx::query(
            "select proposal_id, package_id, seq, status, court_receipt_id, case_number, \
             fee_amount, fee_reference, fee_due_date, code, message from court_receipt_items \
             where package_id = $1 order by seq",
        )
        .bind(package_id)
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| {
            Ok(ReceiptItemRow {
                proposal_id: r.try_get("proposal_id")?,
                package_id: r.try_get("package_id")?,
                seq: r.try_get("seq")?,
                status: r.try_get("status")?,
                court_receipt_id: r.try_get("court_receipt_id")?,
                case_number: r.try_get("case_number")?,
                fee_amount: r.try_get("fee_amount")?,
                fee_reference: r.try_get("fee_reference")?,
                fee_due_date: r.try_get("fee_due_date")?,
                code: r.try_get("code")?,
                message: r.try_get("message")?,
            })
        })
        .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::court::protocol::ReceiptItem;
    use crate::store::testing;
    use rust_decimal::Decimal;

    /// The two proposals of the cases tests' package, written to the outbox.
    async fn seed_package(db: &Db) {
        crate::store::cases::tests::seed(db).await;
        let mut tx = db.begin().await.unwrap();
        crate::store::packages::mark_written(&mut tx, "PKG-1", "/tmp/x", Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }

    #[tokio::test]
    async fn submission_lifecycle_on_every_backend() {
        for t in testing::all().await {
            let db = &t.db;
            seed_package(db).await;
            assert_eq!(pending(db).await.unwrap(), vec!["PKG-1".to_string()]);
            let now = Utc::now();
            let mut tx = db.begin().await.unwrap();
            assert_eq!(
                begin_submission(&mut tx, "PKG-1", "http://court", now)
                    .await
                    .unwrap(),
                SubmissionStart::Started { attempt: 1 }
            );
            tx.commit().await.unwrap();
            // A crash here leaves it submitting: still pending, the next attempt counts.
            assert_eq!(pending(db).await.unwrap().len(), 1);
            let mut tx = db.begin().await.unwrap();
            record_failure(&mut tx, "PKG-1", "connection reset")
                .await
                .unwrap();
            assert_eq!(
                begin_submission(&mut tx, "PKG-1", "http://court", now)
                    .await
                    .unwrap(),
                SubmissionStart::Started { attempt: 2 }
            );
            tx.commit().await.unwrap();
            let s = submission(db, "PKG-1").await.unwrap().unwrap();
            assert_eq!(
                (s.status.as_str(), s.attempts, s.last_error.as_deref()),
                ("submitting", 2, Some("connection reset"))
            );

            let due = NaiveDate::from_ymd_opt(2026, 12, 11).unwrap();
            let receipt = Receipt {
                receipt_id: "R-1".into(),
                package_id: "PKG-1".into(),
                package_sha256: "cd".repeat(32),
                received: now,
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
                            fee_due_date: due,
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
            };
            let mut tx = db.begin().await.unwrap();
            record_receipt(&mut tx, "PKG-1", &receipt, b"<signed receipt/>", now)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            assert!(pending(db).await.unwrap().is_empty());
            let s = submission(db, "PKG-1").await.unwrap().unwrap();
            assert_eq!(s.status, "received");
            assert_eq!(s.receipt_xml.as_deref(), Some(&b"<signed receipt/>"[..]));
            assert_eq!(s.receipt_status.as_deref(), Some(STATUS_PROCESSED));
            let items = receipt_items(db, "PKG-1").await.unwrap();
            assert_eq!(items.len(), 2);
            assert_eq!(items[0].case_number.as_deref(), Some("VL 1/2026"));
            assert_eq!(items[0].fee_amount.as_deref(), Some("44.00"));
            assert_eq!(items[0].fee_due_date, Some(due));
            assert_eq!(items[1].code.as_deref(), Some("20003-NEUSTREZEN_PODPIS"));
            let mut tx = db.begin().await.unwrap();
            assert_eq!(
                begin_submission(&mut tx, "PKG-1", "http://court", now)
                    .await
                    .unwrap(),
                SubmissionStart::AlreadyReceived
            );
            tx.commit().await.unwrap();
        }
    }
}

//! The `exchange` connector (design.md §4 step 7): send every package written to the outbox and
//! not yet answered to the court, and store the receipt.
//!
//! Crash-safe: per package, one transaction marks it `submitting` and commits; then the request
//! (with the client's own retries); then a second transaction stores the receipt. A package
//! left `submitting` by a crash or a failure is sent again with the same package id, and the
//! court answers a known package with its original receipt, so nothing is filed twice. No
//! transaction is open while the request is in flight.

use chrono::Utc;
use serde::Serialize;

use crate::court::client::CourtClient;
use crate::court::protocol::{Upload, UploadProposal, Verdict};
use crate::store::court::{self as court_store, SubmissionStart};
use crate::store::{Db, events, packages};

/// One package sent.
#[derive(Debug, Serialize)]
pub struct Submitted {
    pub package_id: String,
    pub receipt_id: String,
    pub accepted: usize,
    pub rejected: usize,
    /// HTTP attempts this run (retries included).
    pub attempts: u32,
    /// Set when the court rejected the package as a whole: code and message.
    pub package_rejection: Option<(String, String)>,
}

/// A package that could not be sent this run (it stays `submitting`).
#[derive(Debug, Serialize)]
pub struct NotSubmitted {
    pub package_id: String,
    pub error: String,
}

/// The outcome of [`submit_pending`].
#[derive(Debug, Default, Serialize)]
pub struct SubmitReport {
    pub submitted: Vec<Submitted>,
    pub failed: Vec<NotSubmitted>,
}

/// Sends every pending package (see the module doc) to `client`'s court.
pub async fn submit_pending(
    db: &Db,
    client: &CourtClient,
    court_url: &str,
) -> anyhow::Result<SubmitReport> {
    let mut report = SubmitReport::default();
    for id in court_store::pending(db).await? {
        let Some(pkg) = packages::load(db, &id).await? else {
            continue;
        };
        let now = Utc::now();
        let mut tx = db.begin().await?;
        let start = court_store::begin_submission(&mut tx, &id, court_url, now).await?;
        let SubmissionStart::Started { attempt } = start else {
            continue;
        };
        events::append(
            &mut tx,
            events::NewEvent {
                at: now,
                actor: &events::current_actor(),
                entity: "package",
                entity_id: id.clone(),
                action: "submitting",
                detail: serde_json::json!({"court_url": court_url, "attempt": attempt}).to_string(),
            },
        )
        .await?;
        tx.commit().await?;

        let upload = Upload {
            package_id: pkg.id.clone(),
            package: pkg.xml.clone(),
            proposals: pkg
                .proposals
                .iter()
                .map(|p| UploadProposal {
                    seq: p.seq as u32,
                    id: p.id.clone(),
                    xml: p.xml.clone(),
                })
                .collect(),
        };
        let outcome = client.upload(&upload).await;

        let now = Utc::now();
        let mut tx = db.begin().await?;
        match outcome {
            Ok(o) => {
                court_store::record_receipt(&mut tx, &id, &o.receipt, &o.xml, now).await?;
                // The tracker's cases: accepted items `submitted`, rejected ones `rejected`.
                crate::store::cases::create_from_receipt(&mut tx, &o.receipt, now).await?;
                let accepted = o.receipt.accepted();
                let rejected = o.receipt.items.len() - accepted;
                events::append(
                    &mut tx,
                    events::NewEvent {
                        at: now,
                        actor: &events::current_actor(),
                        entity: "package",
                        entity_id: id.clone(),
                        action: "receipt",
                        detail: serde_json::json!({
                            "receipt_id": o.receipt.receipt_id,
                            "receipt_sha256": crate::filing::package::sha256_hex(&o.xml),
                            "accepted": accepted,
                            "rejected": rejected,
                            "attempts": o.attempts,
                            "items": o.receipt.items.iter().map(|i| match &i.verdict {
                                Verdict::Accepted { case_number, court_receipt_id, .. } =>
                                    serde_json::json!({"proposal": i.proposal_id, "accepted": court_receipt_id, "case": case_number}),
                                Verdict::Rejected { code, .. } =>
                                    serde_json::json!({"proposal": i.proposal_id, "rejected": code}),
                            }).collect::<Vec<_>>(),
                        })
                        .to_string(),
                    },
                )
                .await?;
                tx.commit().await?;
                report.submitted.push(Submitted {
                    package_id: id,
                    receipt_id: o.receipt.receipt_id.clone(),
                    accepted,
                    rejected,
                    attempts: o.attempts,
                    package_rejection: o.receipt.package_rejection.clone(),
                });
            }
            Err(e) => {
                let error = e.to_string();
                court_store::record_failure(&mut tx, &id, &error).await?;
                events::append(
                    &mut tx,
                    events::NewEvent {
                        at: now,
                        actor: &events::current_actor(),
                        entity: "package",
                        entity_id: id.clone(),
                        action: "submit_failed",
                        detail: serde_json::json!({"error": error, "transient": e.is_transient()})
                            .to_string(),
                    },
                )
                .await?;
                tx.commit().await?;
                report.failed.push(NotSubmitted {
                    package_id: id,
                    error,
                });
            }
        }
    }
    Ok(report)
}

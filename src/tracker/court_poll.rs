//! The court exchange jobs (design.md §6): `poll_court` lists the filer's untaken documents and
//! enqueues one `take_document` job per id (dedup key = the document id); `take_document`
//! fetches one document, verifies the court's signature, reads its acts, applies them to the
//! cases and confirms it taken.
//!
//! Cost follows the new documents, not the open cases: a poll is one list request and one
//! enqueue per listed document; a take is one fetch, one transaction (the cases its acts name,
//! found by VL number or fee reference through their indexes) and one confirmation.
//!
//! A document is applied in the transaction that stores it (its court id is unique), so it is
//! applied once even when two workers take it or a job is retried after a crash between commit
//! and confirmation (the retry finds it stored and only confirms).
//!
//! **A document that does not verify** (signature, chain to the trusted court CA, or bytes
//! differing from the listed SHA-256) is stored as received with `signature_verified = false`
//! and status `quarantined`, an alert is raised, and no case changes. It is then confirmed taken:
//! the court still serves a confirmed document by its id, so nothing is lost, and an unconfirmed
//! one would be listed — and alerted — at every poll. The same holds for a document that cannot
//! be read, whose acts disagree with each other (`mismatches`), or whose acts do not fit their
//! case (`rejected`: the whole document is rolled back, nothing of it is applied).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::acts::{Act, SourceMode, parse_document};
use super::case_state::{self, CaseEvent, CaseState};
use super::deadlines::{Facts, deadlines_after};
use super::queue::{Clock, JobError, JobFuture, JobHandler, Outcome};
use crate::court::client::CourtClient;
use crate::filing::package::sha256_hex;
use crate::filing::sign::{self, VerifyOptions};
use crate::law::calendar::Calendar;
use crate::store::alerts::{self, NewAlert, Severity};
use crate::store::cases::{self, NewDocument, Source};
use crate::store::jobs::{self, Job, NewJob};
use crate::store::{Db, StoreError, Tx, health};

/// Job kinds.
pub mod kinds {
    /// List the court's untaken documents; enqueue a take per document.
    pub const POLL_COURT: &str = "poll_court";
    /// Take, verify, apply and confirm one court document.
    pub const TAKE_DOCUMENT: &str = "take_document";
}

/// The source name in source health and alerts.
pub const SOURCE: &str = "court-exchange";

/// Payload of a `take_document` job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TakePayload {
    pub id: String,
    /// SHA-256 the list gave; the taken bytes must match it.
    pub sha256: Option<String>,
    /// When the court put the document in the filer's box (the list's `created`): the day of
    /// delivery, from which service by fiction is counted (ZPP 141.a) when an act gives no
    /// service date.
    #[serde(default)]
    pub created: Option<DateTime<Utc>>,
}

/// Runs `poll_court` and `take_document`.
pub struct CourtTracker {
    pub db: Db,
    pub client: CourtClient,
    /// Trust anchors for the court's signature (the court CA). Empty: cryptography only, and a
    /// warning in the verifier message.
    pub court_cas: Vec<openssl::x509::X509>,
    pub clock: Arc<dyn Clock>,
    /// How often the court is expected to be polled (source health).
    pub cadence: Duration,
    /// `Some`: a poll schedules the next one after this long (the worker); `None`: one poll
    /// (`writ track --once`).
    pub poll_every: Option<Duration>,
}

/// What happened to one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum TakeResult {
    /// Applied: this many transitions recorded.
    Applied { transitions: usize },
    /// Stored before; nothing applied now.
    AlreadyStored,
    /// Stored and not applied (status and why).
    NotApplied { status: String, why: String },
}

impl CourtTracker {
    /// The poll job (deduplicated: at most one live poll).
    pub fn poll_job(now: DateTime<Utc>) -> NewJob {
        NewJob::new(kinds::POLL_COURT, serde_json::json!({}), now)
            .dedup_key(kinds::POLL_COURT)
            .priority(5)
    }

    fn verify_options(&self) -> VerifyOptions {
        if self.court_cas.is_empty() {
            VerifyOptions::crypto_only()
        } else {
            VerifyOptions::with_trusted_cas(self.court_cas.clone(), None)
        }
    }

    /// One poll: list, enqueue a take per document, record source health. Returns how many
    /// take jobs were added.
    pub async fn poll(&self) -> Result<usize, JobError> {
        let now = self.clock.now();
        let list = match self.client.list_documents().await {
            Ok(l) => l,
            Err(e) => {
                health::record_error(&self.db, SOURCE, self.cadence, now, &e.to_string()).await?;
                return Err(if e.is_transient() {
                    JobError::Transient(e.to_string())
                } else {
                    JobError::Permanent(e.to_string())
                });
            }
        };
        let mut added = 0;
        if !list.documents.is_empty() {
            let mut tx = self.db.begin().await?;
            for d in &list.documents {
                let job = NewJob::new(
                    kinds::TAKE_DOCUMENT,
                    serde_json::to_value(TakePayload {
                        id: d.id.clone(),
                        sha256: Some(d.sha256.clone()),
                        created: Some(d.created),
                    })
                    .map_err(|e| JobError::Permanent(e.to_string()))?,
                    now,
                )
                .dedup_key(d.id.clone())
                .priority(3);
                if jobs::enqueue(&mut tx, job, now).await?.is_some() {
                    added += 1;
                }
            }
            tx.commit().await?;
        }
        health::record_success(&self.db, SOURCE, self.cadence, now, added > 0).await?;
        Ok(added)
    }

    /// Takes one document: fetch, verify, store, apply, confirm.
    pub async fn take(&self, p: &TakePayload) -> Result<TakeResult, JobError> {
        let transient = |e: crate::court::client::ClientError| {
            if e.is_transient() {
                JobError::Transient(e.to_string())
            } else {
                JobError::Permanent(e.to_string())
            }
        };
        if let Some(stored) = cases::document(&self.db, &p.id).await? {
            tracing::info!(document = %p.id, status = %stored.status, "document stored before; confirming");
            self.client
                .confirm_document(&p.id)
                .await
                .map_err(transient)?;
            return Ok(TakeResult::AlreadyStored);
        }
        let bytes = self.client.take_document(&p.id).await.map_err(transient)?;
        let sha = sha256_hex(&bytes);
        let opts = self.verify_options();
        let checked = {
            let bytes = bytes.clone();
            tokio::task::spawn_blocking(move || sign::verify(&bytes, &opts).map(|_| ()))
                .await
                .map_err(|e| JobError::Transient(format!("verifier task failed: {e}")))?
        };
        let mut verdict = match checked {
            Ok(()) => Ok(if self.court_cas.is_empty() {
                Some("verified cryptographically only: no court CA configured".to_string())
            } else {
                None
            }),
            Err(e) => Err(format!("the court's signature does not verify: {e}")),
        };
        if let Some(listed) = &p.sha256
            && *listed != sha
        {
            verdict = Err(format!(
                "the document's SHA-256 is {sha}, the court's list gave {listed}"
            ));
        }
        let now = self.clock.now();
        let delivered = crate::law::ljubljana_date(p.created.unwrap_or(now));
        let result =
            store_and_apply(&self.db, &p.id, &bytes, &sha, verdict, delivered, now).await?;
        self.client
            .confirm_document(&p.id)
            .await
            .map_err(transient)?;
        Ok(result)
    }
}

/// Stores a taken document and, when it verified and reads cleanly, applies its acts to their
/// cases, in one transaction (see the module doc). `verdict`: the signature check (`Ok` with an
/// optional note, or why it failed); `delivered_on`: the day the court delivered it.
pub async fn store_and_apply(
    db: &Db,
    external_id: &str,
    bytes: &[u8],
    sha: &str,
    verdict: Result<Option<String>, String>,
    delivered_on: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> Result<TakeResult, StoreError> {
    let (verified, verifier_message) = match &verdict {
        Ok(m) => (true, m.clone()),
        Err(m) => (false, Some(m.clone())),
    };
    let parsed = if verified {
        Some(parse_document(bytes, SourceMode::Verified))
    } else {
        None
    };
    let base = |status: &'static str, detail: Option<String>| {
        (
            status,
            detail,
            parsed.as_ref().and_then(|p| p.as_ref().ok()),
        )
    };
    let (status, detail, doc) = match &parsed {
        None => base("quarantined", verifier_message.clone()),
        Some(Err(e)) => base("unreadable", Some(format!("cannot read the document: {e}"))),
        Some(Ok(d)) if !d.mismatches.is_empty() => base(
            "quarantined",
            Some(format!("the acts disagree: {}", d.mismatches.join("; "))),
        ),
        Some(Ok(_)) => base("applied", None),
    };
    let parse_error = match &parsed {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    let mismatches = doc.map(|d| d.mismatches.clone()).unwrap_or_default();
    let new_doc = |status: &'static str, detail: Option<&'static str>| NewDocument {
        external_id,
        bytes,
        sha256: sha,
        signature_verified: verified,
        verifier_message: verifier_message.as_deref(),
        parsed: matches!(parsed, Some(Ok(_))),
        parse_error: parse_error.as_deref(),
        mismatches: &mismatches,
        status,
        status_detail: detail,
    };

    let mut tx = db.begin().await?;
    let Some(doc_id) = cases::insert_document(&mut tx, &new_doc(status, None), now).await? else {
        tx.commit().await?;
        return Ok(TakeResult::AlreadyStored);
    };
    if status != "applied" {
        let why = detail.unwrap_or_default();
        cases::set_document_status(&mut tx, doc_id, status, Some(&why)).await?;
        alert(
            &mut tx,
            now,
            Severity::Error,
            format!("court document {external_id} {status}, no case changed: {why}"),
        )
        .await?;
        tx.commit().await?;
        return Ok(TakeResult::NotApplied {
            status: status.into(),
            why,
        });
    }
    let Some(doc) = doc else {
        tx.commit().await?;
        return Ok(TakeResult::AlreadyStored);
    };
    match apply_acts(
        &mut tx,
        doc_id,
        &doc.acts_in_procedural_order(),
        delivered_on,
        now,
    )
    .await?
    {
        Ok(n) => {
            tx.commit().await?;
            Ok(TakeResult::Applied { transitions: n })
        }
        Err((status, why)) => {
            // Nothing of the document is applied: roll back, store it with the reason.
            drop(tx);
            let mut tx = db.begin().await?;
            let Some(doc_id) = cases::insert_document(&mut tx, &new_doc(status, None), now).await?
            else {
                tx.commit().await?;
                return Ok(TakeResult::AlreadyStored);
            };
            cases::set_document_status(&mut tx, doc_id, status, Some(&why)).await?;
            alert(
                &mut tx,
                now,
                Severity::Warning,
                format!("court document {external_id} {status}, no case changed: {why}"),
            )
            .await?;
            tx.commit().await?;
            Ok(TakeResult::NotApplied {
                status: status.into(),
                why,
            })
        }
    }
}

async fn alert(
    tx: &mut Tx,
    at: DateTime<Utc>,
    severity: Severity,
    message: String,
) -> Result<i64, StoreError> {
    alerts::raise(
        tx,
        NewAlert {
            at,
            source: SOURCE,
            severity,
            message,
        },
    )
    .await
}

/// Applies the acts (procedural order) to the cases they name. `Err((status, why))` when an act
/// names no known case or does not fit its case's state; the caller rolls back.
async fn apply_acts(
    tx: &mut Tx,
    doc_id: i64,
    acts: &[&Act],
    delivered_on: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> Result<Result<usize, (&'static str, String)>, StoreError> {
    let calendar = Calendar::slovenia();
    let mut states: HashMap<i64, CaseState> = HashMap::new();
    let mut applied = 0;
    for act in acts {
        let case = match act.case() {
            Some(vl) => cases::lock_by_case_number(tx, vl.as_str()).await?,
            None => None,
        };
        let case = match (case, fee_reference(act)) {
            (Some(c), _) => Some(c),
            (None, Some(r)) => cases::lock_by_fee_reference(tx, r).await?,
            (None, None) => None,
        };
        let Some(case) = case else {
            return Ok(Err((
                "unmatched",
                format!(
                    "{} names {}, which is not a case of ours",
                    act.label(),
                    act.case()
                        .map(|c| c.as_str().to_string())
                        .unwrap_or_else(|| "no case".into())
                ),
            )));
        };
        let state = states.get(&case.id).cloned().unwrap_or(case.state.clone());
        let t = match case_state::apply(&state, &CaseEvent::Act((*act).clone())) {
            Ok(t) => t,
            Err(e) => return Ok(Err(("rejected", e.to_string()))),
        };
        let facts = Facts {
            delivered_to_mailbox_on: Some(delivered_on),
            ..Facts::new(&calendar)
        };
        let due = deadlines_after(&t, &facts).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "deadline not computed");
            Vec::new()
        });
        cases::record_transition(tx, case.id, &t, Source::Document(doc_id), &due, now).await?;
        // A fee order for a fee we recorded as paid: the court did not match the payment, and
        // the proposal is deemed withdrawn unless someone acts (ZIZ 29.b).
        if let (Act::FeeOrder(f), CaseState::FeePaid) = (*act, &state) {
            alert(
                tx,
                now,
                Severity::Error,
                format!(
                    "case {} ({}): the court ordered payment of the fee writ recorded as paid; check the payment's reference ({}) with the bank and the court — unpaid by {} the proposal is deemed withdrawn (ZIZ 29.b)",
                    case.id,
                    case.case_number.as_deref().unwrap_or("no VL number"),
                    f.reference,
                    f.deadline
                ),
            )
            .await?;
        }
        // Money a bank paid while the case is stayed by insolvency proceedings: enforcement
        // is interrupted (ZFPPIPP 132), so what was paid after the opening may have to go back.
        if let (Act::BankNotice(b), CaseState::Stayed { .. }) = (*act, &state)
            && let super::acts::BankNoticeKind::Paid { amount } = &b.kind
        {
            alert(
                tx,
                now,
                Severity::Warning,
                format!(
                    "case {} ({}): {} paid {amount} {} on {} while the case is stayed by insolvency proceedings; enforcement is interrupted (ZFPPIPP 132): check whether the money was collected after the opening and must be returned",
                    case.id,
                    case.case_number.as_deref().unwrap_or("no VL number"),
                    b.bank.display_name(),
                    b.currency.as_deref().unwrap_or("EUR"),
                    b.notice_date
                ),
            )
            .await?;
        }
        states.insert(case.id, t.to.clone());
        applied += 1;
    }
    Ok(Ok(applied))
}

fn fee_reference(act: &Act) -> Option<&str> {
    match act {
        Act::EnforcementOrder(o) => Some(o.fee_reference.as_str()),
        Act::FeeOrder(f) => Some(f.reference.as_str()),
        _ => None,
    }
}

/// What an unsigned import found.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub acts: Vec<String>,
    pub case_numbers: Vec<String>,
    pub mismatches: Vec<String>,
    /// Always 0: an unsigned document never changes a case.
    pub cases_changed: usize,
    /// False when the same bytes were imported before.
    pub stored: bool,
}

/// `writ track --import-unsigned FILE`: reads a court document nobody vouches for (e.g. the
/// court's public sample), stores it as `imported` and unverified, and reports its acts and the
/// disagreements between them. It never changes a case.
pub async fn import_unsigned(
    db: &Db,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> anyhow::Result<ImportReport> {
    let doc = parse_document(bytes, SourceMode::UnsignedImport)?;
    let sha = sha256_hex(bytes);
    let external = format!("import:{sha}");
    let mut tx = db.begin().await?;
    let stored = cases::insert_document(
        &mut tx,
        &NewDocument {
            external_id: &external,
            bytes,
            sha256: &sha,
            signature_verified: false,
            verifier_message: Some("unsigned import: not verified"),
            parsed: true,
            parse_error: None,
            mismatches: &doc.mismatches,
            status: "imported",
            status_detail: Some("unsigned import: read, never applied to a case"),
        },
        now,
    )
    .await?
    .is_some();
    tx.commit().await?;
    Ok(ImportReport {
        acts: doc.acts.iter().map(Act::label).collect(),
        case_numbers: doc
            .case_numbers()
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        mismatches: doc.mismatches.clone(),
        cases_changed: 0,
        stored,
    })
}

impl JobHandler for CourtTracker {
    fn kinds(&self) -> &[&'static str] {
        &[kinds::POLL_COURT, kinds::TAKE_DOCUMENT]
    }

    fn run<'a>(&'a self, job: &'a Job) -> JobFuture<'a> {
        Box::pin(async move {
            match job.kind.as_str() {
                kinds::POLL_COURT => {
                    let added = self.poll().await?;
                    tracing::info!(added, "court polled");
                    match self.poll_every {
                        Some(every) => Outcome::again_after(self.clock.now(), every),
                        None => Ok(Outcome::Done),
                    }
                }
                kinds::TAKE_DOCUMENT => {
                    let p: TakePayload = job
                        .payload_as()
                        .map_err(|e| JobError::Permanent(format!("bad payload: {e}")))?;
                    let r = self.take(&p).await?;
                    tracing::info!(document = %p.id, result = ?r, "court document taken");
                    Ok(Outcome::Done)
                }
                other => Err(JobError::Permanent(format!("not a court job: {other}"))),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::court::sim::documents::{self, SimAct};
    use crate::store::testing;

    /// A bank pays on a case stayed by compulsory settlement: applied (the history is the
    /// record), and an alert, because enforcement is interrupted (ZFPPIPP 132).
    #[tokio::test]
    async fn money_paid_on_a_stayed_case_is_an_alert() {
        let sim_case = documents::tests::case();
        let on = chrono::NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        let xml = documents::render(
            &sim_case,
            &SimAct::BankNotice {
                on,
                paid: Some(rust_decimal::Decimal::new(31248, 2)),
            },
        )
        .unwrap();
        // Signed as the court signs (the verdict itself is given: this tests what follows it).
        let signer = crate::filing::sign::pki::create_demo_pki(Utc::now())
            .unwrap()
            .filer_signer()
            .unwrap();
        let xml = signer.sign_enveloped(&xml, Utc::now()).unwrap();
        for t in testing::all().await {
            let db = &t.db;
            cases::tests::seed(db).await;
            let mut tx = db.begin().await.unwrap();
            let stayed = CaseState::Stayed {
                before: Box::new(CaseState::Executing),
            };
            cases::insert_case(
                &mut tx,
                &cases::NewCase {
                    claim_id: 1,
                    proposal_id: "P-0",
                    case_number: Some(&sim_case.case_number),
                    state: &stayed,
                    fee_reference: None,
                    fee_amount: None,
                    fee_due_date: None,
                },
                Utc::now(),
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            let r = store_and_apply(
                db,
                "doc-1",
                &xml,
                &sha256_hex(&xml),
                Ok(None),
                on,
                Utc::now(),
            )
            .await
            .unwrap();
            assert!(matches!(r, TakeResult::Applied { .. }), "{r:?}");
            let open = alerts::list(db, false).await.unwrap();
            assert!(
                open.iter().any(|a| a.message.contains("paid 312.48 EUR")
                    && a.message.contains("stayed by insolvency proceedings")),
                "{}: {open:?}",
                db.backend()
            );
        }
    }
}

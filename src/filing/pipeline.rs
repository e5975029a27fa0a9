//! The filing use-cases over the store: import a batch, lint, file. The CLI and the demo call
//! these; each opens its own transactions.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{NaiveDate, Utc};
use serde::Serialize;

use crate::filing::import;
use crate::filing::lint::{self, Filed, Finding, Item};
use crate::filing::model::{Court, Proposal};
use crate::filing::outbox;
use crate::filing::package::{PackageDoc, PackageItem, new_id, sha256_hex};
use crate::filing::render;
use crate::filing::sign::Signer;
use crate::filing::validate::{CourtSchema, XmlSchema};
use crate::store::claims::{ClaimStatus, FindingRow};
use crate::store::packages::{NewPackage, NewProposal};
use crate::store::{Db, batches, claims, events, packages};

/// The outcome of an import.
#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub batch_id: i64,
    pub claims_imported: usize,
    pub rows_imported: usize,
    /// Earlier unfiled claims replaced by claims of this batch: (old id, new id).
    pub superseded: Vec<(i64, i64)>,
    pub rejections: Vec<batches::Rejection>,
}

/// Parses and stores files as one batch (one transaction: nothing is half-imported).
pub async fn import_files(db: &Db, files: &[PathBuf]) -> anyhow::Result<ImportReport> {
    let mut parsed = Vec::new();
    let mut rejections = Vec::new();
    for f in files {
        let built = import::parse_file(f);
        parsed.extend(built.claims);
        rejections.extend(built.rejections);
    }
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let stored = batches::record_batch(&mut tx, &names, &parsed, &rejections, now).await?;
    events::append(
        &mut tx,
        events::NewEvent {
            at: now,
            actor: &events::current_actor(),
            entity: "batch",
            entity_id: stored.batch_id.to_string(),
            action: "imported",
            detail: serde_json::json!({
                "files": names,
                "claims": stored.claim_ids,
                "superseded": stored.superseded,
                "rows_rejected": rejections.len(),
            })
            .to_string(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(ImportReport {
        batch_id: stored.batch_id,
        claims_imported: parsed.len(),
        rows_imported: parsed.iter().map(|c| c.rows.len()).sum(),
        superseded: stored.superseded,
        rejections,
    })
}

/// Lint results for one claim.
#[derive(Debug, Serialize)]
pub struct ClaimLint {
    pub claim_id: i64,
    pub external_ref: Option<String>,
    pub debtor: String,
    pub source: String,
    pub ready: bool,
    pub findings: Vec<Finding>,
}

/// The outcome of a lint run.
#[derive(Debug, Serialize)]
pub struct LintReport {
    pub run_id: i64,
    pub checked: usize,
    pub ready: usize,
    pub blocked: usize,
    pub claims: Vec<ClaimLint>,
}

/// Lints every unfiled claim against each other and against earlier filings, and records the
/// result: clean claims become `ready`, the others `blocked`.
pub async fn lint_all(db: &Db, today: NaiveDate) -> anyhow::Result<LintReport> {
    let stored = claims::unfiled(db).await?;
    let mut filed = Filed::default();
    for (claim, proposal_id) in claims::filed_claims(db).await? {
        filed.add_documents(&claim, &proposal_id);
    }
    filed.claims = filed_claim_keys(db).await?;
    let items: Vec<Item<'_>> = stored
        .iter()
        .map(|s| Item {
            id: s.id,
            claim_key: &s.claim_key,
            claim: &s.claim,
        })
        .collect();
    let mut results = lint::lint_batch(&items, &filed, today);
    let mut insolvency = insolvency_findings(db, &stored).await?;
    for (id, findings) in &mut results {
        if let Some(more) = insolvency.remove(id) {
            findings.extend(more);
        }
    }
    let mut statuses = Vec::with_capacity(results.len());
    let mut rows = Vec::new();
    let mut out = Vec::with_capacity(results.len());
    for ((id, findings), s) in results.into_iter().zip(&stored) {
        let ready = lint::is_clean(&findings);
        statuses.push((
            id,
            if ready {
                ClaimStatus::Ready
            } else {
                ClaimStatus::Blocked
            },
        ));
        rows.extend(findings.iter().map(|f| FindingRow {
            claim_id: id,
            code: f.code.as_str().to_string(),
            severity: f.severity.as_str().to_string(),
            field: f.field.clone(),
            value: f.value.clone(),
            message: f.message.clone(),
        }));
        out.push(ClaimLint {
            claim_id: id,
            external_ref: s.claim.external_ref.clone(),
            debtor: s.claim.debtor.party.display_name(),
            source: format!("{} rows {}", s.source_file, s.source_rows),
            ready,
            findings,
        });
    }
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let run_id = claims::record_lint(&mut tx, now, &statuses, &rows).await?;
    let ready = statuses
        .iter()
        .filter(|(_, s)| *s == ClaimStatus::Ready)
        .count();
    events::append(
        &mut tx,
        events::NewEvent {
            at: now,
            actor: &events::current_actor(),
            entity: "lint_run",
            entity_id: run_id.to_string(),
            action: "linted",
            detail: serde_json::json!({
                "checked": statuses.len(),
                "ready": ready,
                "findings": rows.len(),
            })
            .to_string(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(LintReport {
        run_id,
        checked: statuses.len(),
        ready,
        blocked: statuses.len() - ready,
        claims: out,
    })
}

/// Insolvency findings for stored claims against every daily list and notice writ holds and
/// the latest CIF query answer per identifier.
async fn insolvency_findings(
    db: &Db,
    stored: &[claims::StoredClaim],
) -> anyhow::Result<HashMap<i64, Vec<Finding>>> {
    let (lists, notices, queries) = crate::store::insolvency::sources(db).await?;
    if lists.is_empty() && notices.is_empty() && queries.is_empty() {
        return Ok(HashMap::new());
    }
    let decisions = crate::store::insolvency::decisions(db).await?;
    let pairs: Vec<(i64, &crate::filing::model::Claim)> =
        stored.iter().map(|s| (s.id, &s.claim)).collect();
    Ok(crate::filing::insolvency_check::check(
        &pairs, &lists, &notices, &queries, &decisions,
    ))
}

async fn filed_claim_keys(db: &Db) -> anyhow::Result<HashMap<String, String>> {
    Ok(crate::store::packages::filed_keys(db)
        .await?
        .into_iter()
        .collect())
}

/// What `file` needs besides the database.
pub struct FileOptions<'a> {
    /// Proposals per package (default 500, as in the banks' IzvrsbeXml).
    pub package_size: usize,
    pub outbox: PathBuf,
    pub signer: &'a Signer,
    pub schema: &'a CourtSchema,
    /// Show a progress bar (only when stderr is a terminal).
    pub progress: bool,
}

/// One package written.
#[derive(Debug, Serialize)]
pub struct WrittenPackage {
    pub id: String,
    pub items: i64,
    pub control_sum: String,
    pub dir: String,
    /// True when this run only rewrote a package sealed by an earlier, interrupted run.
    pub resumed: bool,
}

/// A claim that could not be made into a proposal (it stays unfiled and blocked).
#[derive(Debug, Serialize)]
pub struct FileFailure {
    pub claim_id: i64,
    pub reason: String,
}

/// The outcome of `file`.
#[derive(Debug, Serialize)]
pub struct FileReport {
    /// The signing certificate's subject.
    pub signed_by: String,
    pub packages: Vec<WrittenPackage>,
    pub proposals_filed: usize,
    pub failures: Vec<FileFailure>,
}

/// Renders, validates and signs every ready claim that has no proposal yet, seals packages of at
/// most `package_size` proposals in one transaction each, and writes them to the outbox.
/// Crash-safe and idempotent: packages sealed by an interrupted run are written first, and a
/// claim's proposal is unique by claim identity, so no claim is ever filed twice.
pub async fn file_ready(db: &Db, opts: &FileOptions<'_>) -> anyhow::Result<FileReport> {
    let mut report = FileReport {
        signed_by: opts.signer.subject(),
        packages: vec![],
        proposals_filed: 0,
        failures: vec![],
    };
    std::fs::create_dir_all(&opts.outbox)
        .map_err(|e| anyhow::anyhow!("cannot create the outbox {}: {e}", opts.outbox.display()))?;
    for id in packages::unwritten(db).await? {
        report
            .packages
            .push(write_stored(db, &opts.outbox, &id, true).await?);
    }
    let mut ready = claims::ready_unproposed(db).await?;
    // Re-check insolvency right before signing: a debtor may have appeared on a daily list
    // since lint ran (ZFPPIPP 131).
    let mut blocked_now = insolvency_findings(db, &ready).await?;
    let mut still_ready = Vec::with_capacity(ready.len());
    for sc in ready {
        match blocked_now
            .remove(&sc.id)
            .and_then(|f| f.into_iter().find(|f| f.severity == lint::Severity::Error))
        {
            Some(f) => {
                let reason = format!("{} {}", f.code.as_str(), f.message);
                block_claim(db, sc.id, &reason).await?;
                report.failures.push(FileFailure {
                    claim_id: sc.id,
                    reason,
                });
            }
            None => still_ready.push(sc),
        }
    }
    ready = still_ready;
    let bar = progress_bar(ready.len() as u64, opts.progress);
    for chunk in ready.chunks(opts.package_size.max(1)) {
        let now = Utc::now();
        let package_id = new_id("PKG");
        let mut proposals = Vec::with_capacity(chunk.len());
        let mut items = Vec::with_capacity(chunk.len());
        for sc in chunk {
            bar.inc(1);
            let claim = crate::filing::normalize::for_filing(&sc.claim);
            let proposal = Proposal {
                id: new_id("P"),
                filer: claim.creditor.party.clone(),
                court: Court::covl(),
                claim,
                created_at: now,
            };
            match make_signed(&proposal, opts.schema, opts.signer, now) {
                Ok(xml) => {
                    let sha = sha256_hex(&xml);
                    let seq = proposals.len() + 1;
                    items.push(PackageItem {
                        seq,
                        proposal_id: proposal.id.clone(),
                        claim_ref: sc
                            .claim
                            .external_ref
                            .clone()
                            .unwrap_or_else(|| sc.id.to_string()),
                        file: format!("proposals/{}.xml", proposal.id),
                        principal: sc.claim.principal(),
                        sha256: sha.clone(),
                    });
                    proposals.push(NewProposal {
                        id: proposal.id,
                        claim_id: sc.id,
                        claim_key: sc.claim_key.clone(),
                        seq: seq as i64,
                        principal: format!("{:.2}", sc.claim.principal()),
                        xml,
                        sha256: sha,
                    });
                }
                Err(reason) => {
                    block_claim(db, sc.id, &reason).await?;
                    report.failures.push(FileFailure {
                        claim_id: sc.id,
                        reason,
                    });
                }
            }
        }
        if proposals.is_empty() {
            continue;
        }
        let doc = PackageDoc {
            id: package_id.clone(),
            created_at: now,
            filer_name: opts.signer.subject(),
            filer_certificate_serial: opts.signer.serial_hex().unwrap_or_default(),
            items,
        };
        let unsigned = doc.render();
        package_schema()?
            .validate(&unsigned)
            .map_err(|e| anyhow::anyhow!("package {package_id} does not match its schema: {e}"))?;
        let signed = opts.signer.sign_enveloped(&unsigned, now)?;
        let new_pkg = NewPackage {
            id: package_id.clone(),
            item_count: proposals.len() as i64,
            control_sum: format!("{:.2}", doc.control_sum()),
            sha256: sha256_hex(&signed),
            xml: signed,
        };
        let mut tx = db.begin().await?;
        packages::seal(&mut tx, &new_pkg, &proposals, now).await?;
        events::append(
            &mut tx,
            events::NewEvent {
                at: now,
                actor: &events::current_actor(),
                entity: "package",
                entity_id: package_id.clone(),
                action: "sealed",
                detail: serde_json::json!({
                    "items": new_pkg.item_count,
                    "control_sum": new_pkg.control_sum,
                    "sha256": new_pkg.sha256,
                    "proposals": proposals.iter().map(|p| serde_json::json!({"id": p.id, "claim_id": p.claim_id, "sha256": p.sha256})).collect::<Vec<_>>(),
                })
                .to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        report.proposals_filed += proposals.len();
        report
            .packages
            .push(write_stored(db, &opts.outbox, &package_id, false).await?);
    }
    bar.finish_and_clear();
    Ok(report)
}

/// Render → validate against the court schema → sign → validate again (with the signature).
fn make_signed(
    p: &Proposal,
    schema: &CourtSchema,
    signer: &Signer,
    now: chrono::DateTime<Utc>,
) -> Result<Vec<u8>, String> {
    let xml = render::render_proposal(p).map_err(|e| format!("cannot render the proposal: {e}"))?;
    schema
        .validate(&xml)
        .map_err(|e| format!("the proposal does not match the court schema: {e}"))?;
    let signed = signer
        .sign_enveloped(&xml, now)
        .map_err(|e| format!("cannot sign the proposal: {e}"))?;
    schema
        .validate(&signed)
        .map_err(|e| format!("the signed proposal does not match the court schema: {e}"))?;
    Ok(signed)
}

async fn block_claim(db: &Db, claim_id: i64, reason: &str) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    let row = FindingRow {
        claim_id,
        code: "L190".into(),
        severity: "error".into(),
        field: "proposal".into(),
        value: String::new(),
        message: reason.to_string(),
    };
    claims::record_lint(
        &mut tx,
        Utc::now(),
        &[(claim_id, ClaimStatus::Blocked)],
        &[row],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn write_stored(
    db: &Db,
    outbox: &std::path::Path,
    id: &str,
    resumed: bool,
) -> anyhow::Result<WrittenPackage> {
    let pkg = packages::load(db, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("package {id} vanished"))?;
    let dir = outbox::write_package(outbox, &pkg).map_err(|e| {
        anyhow::anyhow!(
            "package {id} is sealed in the database but could not be written to the outbox ({e}); fix the outbox and run `writ file` again to write it (nothing will be filed twice)"
        )
    })?;
    let now = Utc::now();
    let mut tx = db.begin().await?;
    packages::mark_written(&mut tx, id, &dir.display().to_string(), now).await?;
    events::append(
        &mut tx,
        events::NewEvent {
            at: now,
            actor: &events::current_actor(),
            entity: "package",
            entity_id: id.to_string(),
            action: "written",
            detail: serde_json::json!({"dir": dir.display().to_string(), "resumed": resumed})
                .to_string(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(WrittenPackage {
        id: id.to_string(),
        items: pkg.item_count,
        control_sum: pkg.control_sum,
        dir: dir.display().to_string(),
        resumed,
    })
}

fn progress_bar(len: u64, enabled: bool) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !enabled || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} proposals signed ({per_sec}, eta {eta})",
    ) {
        bar.set_style(style);
    }
    bar
}

/// The package schema, compiled once.
pub fn package_schema() -> anyhow::Result<&'static XmlSchema> {
    static SCHEMA: std::sync::OnceLock<Result<XmlSchema, String>> = std::sync::OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            XmlSchema::from_str(include_str!("../../xsd/writ-package-1.0.xsd"))
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| anyhow::anyhow!("package schema: {e}"))
}

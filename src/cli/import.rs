//! `writ import FILE...`: one batch; every row imported or rejected with its reason.

use std::path::PathBuf;

use chrono::Utc;

use super::Ctx;
use crate::filing::import;
use crate::store::{batches, events};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to import (CSV, JSON, e-SLOG 2.0 XML, court XML).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// The outcome of an import, for printing.
#[derive(Debug, serde::Serialize)]
pub struct ImportReport {
    pub batch_id: i64,
    pub claims_imported: usize,
    pub rows_imported: usize,
    pub rejections: Vec<batches::Rejection>,
}

/// Parses and stores files as one batch (one transaction: nothing is half-imported).
pub async fn import_files(
    db: &crate::store::Db,
    files: &[PathBuf],
) -> anyhow::Result<ImportReport> {
    let mut claims = Vec::new();
    let mut rejections = Vec::new();
    for f in files {
        let built = import::parse_file(f);
        claims.extend(built.claims);
        rejections.extend(built.rejections);
    }
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let stored = batches::record_batch(&mut tx, &names, &claims, &rejections, now).await?;
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
                "rows_rejected": rejections.len(),
            })
            .to_string(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(ImportReport {
        batch_id: stored.batch_id,
        claims_imported: claims.len(),
        rows_imported: claims.iter().map(|c| c.rows.len()).sum(),
        rejections,
    })
}

/// Prints the report as a clerk reads it.
pub fn print_report(r: &ImportReport) {
    println!(
        "batch {}: {} claim(s) imported from {} row(s); {} rejected",
        r.batch_id,
        r.claims_imported,
        r.rows_imported,
        r.rejections.len()
    );
    for x in &r.rejections {
        let row = x
            .row
            .map(|n| format!("row {n}"))
            .unwrap_or_else(|| "whole file".into());
        let value = if x.value.is_empty() {
            String::new()
        } else {
            format!(" = '{}'", x.value)
        };
        println!(
            "  REJECTED {} {}: {}{}: {}",
            x.file, row, x.field, value, x.reason
        );
    }
}

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    let db = ctx.db().await?;
    let report = import_files(&db, &args.files).await?;
    if ctx.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    Ok(0)
}

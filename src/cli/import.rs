//! `writ import FILE...`: one batch; every row imported or rejected with its reason.

use std::path::PathBuf;

use super::Ctx;
use crate::filing::pipeline::{ImportReport, import_files};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to import (CSV, JSON, e-SLOG 2.0 XML, court XML).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
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
    for (old, new) in &r.superseded {
        println!("  claim {old} (not yet filed) is replaced by claim {new}, imported again");
    }
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
    // 0: every row imported; 1: something was rejected (the report says what).
    Ok(i32::from(!report.rejections.is_empty()))
}

//! `writ lint`: the pre-filing checks over every unfiled claim.

use super::Ctx;
use crate::filing::lint::Severity;
use crate::filing::pipeline::{LintReport, lint_all};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Check as of this date (default: today in Ljubljana).
    #[arg(long, value_parser = super::date_arg)]
    pub today: Option<chrono::NaiveDate>,
    /// Show only claims with findings.
    #[arg(long)]
    pub problems: bool,
}

/// Prints the lint report as a clerk reads it.
pub fn print_report(r: &LintReport, only_problems: bool) {
    println!(
        "lint run {}: {} claim(s) checked, {} ready to file, {} blocked",
        r.run_id, r.checked, r.ready, r.blocked
    );
    for c in &r.claims {
        if only_problems && c.findings.is_empty() {
            continue;
        }
        let state = if c.ready { "ready" } else { "BLOCKED" };
        println!(
            "  claim {} {} ({}) [{}]: {}",
            c.claim_id,
            c.external_ref.as_deref().unwrap_or(""),
            c.debtor,
            c.source,
            state
        );
        for f in &c.findings {
            let sev = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            println!("    {} {sev} {}: {}", f.code.as_str(), f.field, f.message);
        }
    }
}

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    let db = ctx.db().await?;
    let today = args.today.unwrap_or_else(super::today);
    let report = lint_all(&db, today).await?;
    if ctx.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report, args.problems);
    }
    Ok(0)
}

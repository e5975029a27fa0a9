//! `writ alerts [--all]`: open alerts (dead jobs, silent sources), newest first.

use super::Ctx;
use crate::store::alerts;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Include acknowledged alerts.
    #[arg(long)]
    pub all: bool,
}

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    let db = ctx.db().await?;
    let list = alerts::list(&db, args.all).await?;
    if ctx.json {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(0);
    }
    if list.is_empty() {
        println!("no {}alerts", if args.all { "" } else { "open " });
        return Ok(0);
    }
    for a in &list {
        let ack = a
            .acknowledged_at
            .map(|t| format!("  (acknowledged {})", t.format("%Y-%m-%d %H:%M")))
            .unwrap_or_default();
        println!(
            "#{:<5} {}  {:<7}  {:<16} {}{ack}",
            a.id,
            a.at.format("%Y-%m-%d %H:%M:%S UTC"),
            a.severity.as_str(),
            a.source,
            a.message
        );
    }
    Ok(0)
}

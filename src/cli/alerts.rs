//! `writ alerts [--all]`: open alerts (dead jobs, silent sources, insolvency), newest first.
//! `writ alerts --ack ID…`: a person has seen to them; they leave the open list.

use super::Ctx;
use crate::store::alerts;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Include acknowledged alerts.
    #[arg(long)]
    pub all: bool,
    /// Acknowledge these alerts (their ids as listed); repeatable.
    #[arg(long, value_name = "ID")]
    pub ack: Vec<i64>,
}

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    let db = ctx.db().await?;
    if !args.ack.is_empty() {
        let now = chrono::Utc::now();
        let mut unknown = Vec::new();
        for id in &args.ack {
            if alerts::acknowledge(&db, *id, now).await? {
                println!("alert #{id} acknowledged");
            } else {
                unknown.push(id.to_string());
            }
        }
        anyhow::ensure!(
            unknown.is_empty(),
            "no open alert with id {} (writ alerts lists them)",
            unknown.join(", ")
        );
        return Ok(0);
    }
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

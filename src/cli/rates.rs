//! `writ rates list` and `writ rates add FROM RATE --source "…"`: the statutory default interest
//! table (built in, with sources) plus the rows staff enter the day a new rate is published.

use chrono::{NaiveDate, Utc};

use super::Ctx;
use crate::filing::import::rows::parse_amount;
use crate::law::{HalfYear, RateRow, RateStatus, RateTable};
use crate::store::{events, rates};

#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// List every half-year rate with its source and status.
    List,
    /// Enter a new half-year's rate (from 1 January or 1 July) with its source.
    Add {
        /// First day of the half-year (yyyy-01-01 or yyyy-07-01).
        #[arg(value_parser = super::date_arg)]
        from: NaiveDate,
        /// Rate in percent per year, e.g. 10,40.
        rate: String,
        /// The Uradni list notice, e.g. "Uradni list RS 2/2027".
        #[arg(long)]
        source: String,
        /// Replace a built-in row for the same half-year (e.g. a DERIVED row, once the notice
        /// is published).
        #[arg(long)]
        replace: bool,
    },
}

fn entered_row(r: &rates::EnteredRate) -> anyhow::Result<RateRow> {
    let h = HalfYear::containing(r.valid_from);
    Ok(RateRow {
        from: r.valid_from,
        to: h.end(),
        rate_percent: parse_amount(&r.rate_percent)
            .ok_or_else(|| anyhow::anyhow!("stored rate '{}' is not a number", r.rate_percent))?,
        source: format!("{} (entered {})", r.source, r.entered_at.format("%d.%m.%Y")),
        status: RateStatus::Verified,
    })
}

/// The built-in table with the rows staff entered (an entered row replaces the built-in row of
/// its half-year).
pub async fn table(ctx: &Ctx) -> anyhow::Result<RateTable> {
    let db = ctx.db().await?;
    let mut t = RateTable::builtin();
    for r in rates::list(&db).await? {
        t.replace(entered_row(&r)?)?;
    }
    Ok(t)
}

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    match args {
        Args::List => {
            let t = table(ctx).await?;
            if ctx.json {
                println!("{}", serde_json::to_string_pretty(t.rows())?);
                return Ok(0);
            }
            println!(
                "{:<8} {:<10} {:>7}  {:<10} source",
                "half", "from", "rate %", "status"
            );
            for r in t.rows() {
                println!(
                    "{:<8} {:<10} {:>7}  {:<10} {}",
                    r.half_year().to_string(),
                    r.from.to_string(),
                    format!("{:.2}", r.rate_percent),
                    format!("{:?}", r.status).to_lowercase(),
                    r.source
                );
            }
            Ok(0)
        }
        Args::Add {
            from,
            rate,
            source,
            replace,
        } => {
            let rate_percent = parse_amount(&rate)
                .filter(|r| *r > rust_decimal::Decimal::ZERO && *r <= rust_decimal::Decimal::from(30))
                .ok_or_else(|| anyhow::anyhow!("'{rate}' is not a yearly rate between 0 and 30 percent (the statutory rate is the ECB rate + 8)"))?;
            anyhow::ensure!(
                !source.trim().is_empty(),
                "--source must name the Uradni list notice the rate comes from"
            );
            let entered = rates::EnteredRate {
                valid_from: from,
                rate_percent: rate_percent.to_string(),
                source: source.trim().to_string(),
                entered_at: Utc::now(),
            };
            let row = entered_row(&entered)?;
            let mut t = table(ctx).await?;
            let previous = if replace {
                t.replace(row.clone())?
            } else {
                t.add(row.clone()).map_err(|e| {
                    anyhow::anyhow!("{e}; to replace the existing rate on purpose, add --replace")
                })?;
                None
            };
            let db = ctx.db().await?;
            let mut tx = db.begin().await?;
            rates::add(&mut tx, &entered).await.map_err(|e| {
                anyhow::anyhow!(
                    "cannot store the rate: {e} (a rate for {} was already entered)",
                    row.half_year()
                )
            })?;
            events::append(
                &mut tx,
                events::NewEvent {
                    at: entered.entered_at,
                    actor: &events::current_actor(),
                    entity: "interest_rate",
                    entity_id: row.half_year().to_string(),
                    action: "entered",
                    detail: serde_json::json!({"rate": entered.rate_percent, "source": entered.source, "replaced": previous.as_ref().map(|p| serde_json::json!({"rate": p.rate_percent.to_string(), "source": p.source}))}).to_string(),
                },
            )
            .await?;
            tx.commit().await?;
            println!(
                "{}: {:.2} % from {} ({})",
                row.half_year(),
                row.rate_percent,
                row.from.format("%d.%m.%Y"),
                entered.source
            );
            Ok(0)
        }
    }
}

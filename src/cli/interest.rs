//! `writ interest PRINCIPAL --from DATE --to DATE`: statutory default interest, split at 1 January
//! and 1 July, each piece with its rate, days, amount and source.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Ctx;
use crate::filing::import::rows::parse_amount;
use crate::law::{DayCount, InterestBreakdown, RateStatus, statutory_interest};

/// Day-count conventions selectable on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Convention {
    /// Default: act/act by year (366 in leap years), both ends counted, each half-year rounded.
    A,
    /// As A, rounded once.
    A1,
    /// Act/365, last day not counted, rounded once.
    B,
    /// Act/365, both ends counted, rounded once.
    C,
    /// Act/act, last day not counted (banks), each half-year rounded.
    D,
    /// Act/360, first day in, last out (Treasury; not for statutory interest).
    Act360,
}

impl From<Convention> for DayCount {
    fn from(c: Convention) -> Self {
        match c {
            Convention::A => DayCount::A,
            Convention::A1 => DayCount::A1,
            Convention::B => DayCount::B,
            Convention::C => DayCount::C,
            Convention::D => DayCount::D,
            Convention::Act360 => DayCount::Act360FirstInLastOut,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Principal in euro (decimal comma or dot).
    pub principal: String,
    /// First day interest runs (the day after the due date), counted.
    #[arg(long, value_parser = super::date_arg)]
    pub from: NaiveDate,
    /// Payment day, counted.
    #[arg(long, value_parser = super::date_arg)]
    pub to: NaiveDate,
    /// Day-count convention.
    #[arg(long, value_enum, default_value_t = Convention::A)]
    pub convention: Convention,
}

fn status(s: RateStatus) -> &'static str {
    match s {
        RateStatus::Verified => "verified",
        RateStatus::Secondary => "secondary",
        RateStatus::Derived => "DERIVED, pending Uradni list notice",
        RateStatus::Given => "given",
    }
}

pub fn print(b: &InterestBreakdown) {
    println!(
        "statutory default interest on {:.2} EUR from {} to {} (both days counted)",
        b.principal,
        b.first_day.format("%d.%m.%Y"),
        b.last_day.format("%d.%m.%Y")
    );
    println!("day count: {}", b.description);
    println!(
        "{:<23} {:>7} {:>5} {:>5} {:>10}  source",
        "period", "rate %", "days", "year", "amount"
    );
    for s in &b.segments {
        println!(
            "{} – {} {:>7} {:>5} {:>5} {:>10}  {} ({})",
            s.from.format("%d.%m.%Y"),
            s.to.format("%d.%m.%Y"),
            format!("{:.2}", s.rate_percent),
            s.days,
            s.year_days,
            format!("{:.2}", s.amount),
            s.source,
            status(s.status)
        );
    }
    println!(
        "{:<23} {:>7} {:>5} {:>5} {:>10}",
        "total",
        "",
        b.segments.iter().map(|s| s.days).sum::<u32>(),
        "",
        format!("{:.2}", b.total)
    );
}

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    let principal: Decimal = parse_amount(&args.principal)
        .ok_or_else(|| anyhow::anyhow!("'{}' is not an amount", args.principal))?;
    let table = super::rates::table(ctx).await?;
    let b = statutory_interest(
        &table,
        principal,
        args.from,
        args.to,
        &args.convention.into(),
    )?;
    if ctx.json {
        println!("{}", serde_json::to_string_pretty(&b)?);
    } else {
        print(&b);
    }
    Ok(0)
}

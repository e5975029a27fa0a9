//! Command-line interface (design.md §8): one file per subcommand, each an `Args` struct and an
//! `async fn run`. Global flags: `--data-dir`, `--database-url`, `--json`.

pub mod bench;
pub mod court_sim;
pub mod demo;
pub mod file;
pub mod import;
pub mod init;
pub mod insolvency;
pub mod interest;
pub mod lint;
pub mod migrate;
pub mod rates;
pub mod registry_sim;
pub mod sign;
pub mod verify;
// Tracker (job queue).
pub mod alerts;
pub mod worker;
// tracker-glue: court tracking, cases, fees.
pub mod cases;
pub mod fees;
pub mod track;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::store::Db;

/// writ — enforcement proposals on authentic documents, filed with the court (COVL).
#[derive(Debug, Parser)]
#[command(name = "writ", version, about, long_about = None)]
pub struct Cli {
    /// Data directory: SQLite database, certificates, outbox.
    #[arg(
        long,
        global = true,
        env = "WRIT_DATA_DIR",
        default_value = "./writ-data"
    )]
    pub data_dir: PathBuf,
    /// Database URL (sqlite://PATH or postgres://…); default: SQLite in the data directory.
    #[arg(long, global = true, env = "WRIT__DATABASE__URL")]
    pub database_url: Option<String>,
    /// Print machine-readable JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the data directory, the database and a DEMO CA and filer certificate.
    Init,
    /// Run the main job end to end on the sample batch and print a summary table.
    Demo(demo::Args),
    /// Import claims from CSV, JSON, e-SLOG 2.0 invoices or court XML (act 568).
    Import(import::Args),
    /// Check every unfiled claim before filing.
    Lint(lint::Args),
    /// Render, validate, sign and package ready claims into the outbox (and send them to the
    /// court exchange with `--connector exchange`).
    File(file::Args),
    /// Sign an XML document (enveloped XML-DSig + XAdES-BES) with the filer's certificate.
    Sign(sign::Args),
    /// Verify a signed XML document; exit status 0 only for a valid signature.
    Verify(verify::Args),
    /// The insolvency watch: import or poll lists and notices, check debtors, decide candidates.
    #[command(subcommand)]
    Insolvency(insolvency::Args),
    /// Statutory default interest for a principal and a period.
    Interest(interest::Args),
    /// The statutory interest rate table: list, or add a newly published rate.
    #[command(subcommand)]
    Rates(rates::Args),
    /// Run the court simulator (the court's side of the exchange) on HTTP.
    CourtSim(court_sim::Args),
    /// Run the insolvency registry simulator (CIF daily lists, notices, query service) on HTTP.
    RegistrySim(registry_sim::Args),
    /// Benchmark the filing pipeline on a generated batch.
    Bench(bench::Args),
    /// Apply database migrations.
    Migrate,
    // Tracker (job queue).
    /// Run the job queue worker (tracker jobs, health checks).
    Worker(worker::Args),
    /// List alerts: dead jobs, silent sources.
    Alerts(alerts::Args),
    // tracker-glue: court tracking, cases, fees.
    /// Poll the court exchange and apply its documents to the cases (`--once`), or read an
    /// unsigned court document (`--import-unsigned FILE`).
    Track(track::Args),
    /// Tracked cases: list, show.
    #[command(subcommand)]
    Cases(cases::Args),
    /// Court fees: record a payment.
    #[command(subcommand)]
    Fees(fees::Args),
}

/// What every subcommand gets: the global flags and a way to the database.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub json: bool,
}

impl Ctx {
    /// The configured database URL, or SQLite in the data directory.
    pub fn database_url(&self) -> anyhow::Result<String> {
        match &self.database_url {
            Some(u) => Ok(u.clone()),
            None => {
                std::fs::create_dir_all(&self.data_dir).map_err(|e| {
                    anyhow::anyhow!(
                        "cannot create data directory {}: {e}",
                        self.data_dir.display()
                    )
                })?;
                Ok(Db::sqlite_url_for(&self.data_dir))
            }
        }
    }

    /// Connects and migrates.
    pub async fn db(&self) -> anyhow::Result<Db> {
        let url = self.database_url()?;
        let db = Db::connect(&url).await?;
        db.migrate().await?;
        Ok(db)
    }
}

/// Runs the parsed command line; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<i32> {
    let ctx = Ctx {
        data_dir: cli.data_dir,
        database_url: cli.database_url,
        json: cli.json,
    };
    match cli.command {
        Command::Init => init::run(&ctx).await,
        Command::Demo(a) => demo::run(&ctx, a).await,
        Command::Import(a) => import::run(&ctx, a).await,
        Command::Lint(a) => lint::run(&ctx, a).await,
        Command::File(a) => file::run(&ctx, a).await,
        Command::Sign(a) => sign::run(&ctx, a).await,
        Command::Verify(a) => verify::run(&ctx, a).await,
        Command::Insolvency(a) => insolvency::run(&ctx, a).await,
        Command::Interest(a) => interest::run(&ctx, a).await,
        Command::Rates(a) => rates::run(&ctx, a).await,
        Command::CourtSim(a) => court_sim::run(&ctx, a).await,
        Command::RegistrySim(a) => registry_sim::run(a).await,
        Command::Bench(a) => bench::run(&ctx, a).await,
        Command::Migrate => migrate::run(&ctx).await,
        Command::Worker(a) => worker::run(&ctx, a).await,
        Command::Alerts(a) => alerts::run(&ctx, a).await,
        // tracker-glue
        Command::Track(a) => track::run(&ctx, a).await,
        Command::Cases(a) => cases::run(&ctx, a).await,
        Command::Fees(a) => fees::run(&ctx, a).await,
    }
}

/// An error and its causes as one line, each cause once (database drivers repeat the same text
/// in several layers).
pub fn error_text(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let t = cause.to_string();
        if !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
    }
    parts.join(": ")
}

/// Today's date for legal purposes. Legal dates are Ljubljana dates (design.md §3); the machine
/// clock is UTC, so this adds the zone offset (CET/CEST by the EU rule: last Sunday of March and
/// of October at 01:00 UTC).
pub fn today() -> chrono::NaiveDate {
    crate::law::ljubljana_date(chrono::Utc::now())
}

/// A date on the command line: `YYYY-MM-DD` or, as Slovenian documents write it, `DD.MM.YYYY`
/// (`3.12.2026` too). The error says which forms are understood.
///
/// The year has four digits and lies in 1900–2199: `03.12.26` is refused, not read as the year
/// 26 (a fee "paid" two thousand years before the case).
pub fn date_arg(s: &str) -> Result<chrono::NaiveDate, String> {
    use chrono::{Datelike, NaiveDate};
    let t = s.trim().trim_end_matches('.');
    if let Some(d) = crate::filing::import::rows::parse_date(t) {
        return Ok(d);
    }
    let forms = "write YYYY-MM-DD or DD.MM.YYYY";
    // Refused: say whether it is a date at all, or one whose year is not four digits.
    match NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d.%m.%Y"))
    {
        Ok(d) => Err(format!(
            "{s:?}: the year must have four digits (read as the year {}): {forms}",
            d.year()
        )),
        Err(e) => Err(format!("{s:?} is not a date ({e}): {forms}")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_on_the_command_line_are_iso_or_slovenian() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        assert_eq!(super::date_arg("2026-12-31"), Ok(d));
        assert_eq!(super::date_arg("31.12.2026"), Ok(d));
        assert_eq!(super::date_arg("31.12.2026."), Ok(d));
        let e = super::date_arg("2026-13-01").unwrap_err();
        assert!(e.contains("write YYYY-MM-DD or DD.MM.YYYY"), "{e}");
        // A two-digit year is not the year 26.
        for short in ["03.12.26", "26-12-03", "0026-12-03", "03.12.0026"] {
            let e = super::date_arg(short).unwrap_err();
            assert!(e.contains("the year must have four digits"), "{short}: {e}");
        }
    }

    #[test]
    fn ljubljana_dates_follow_cet_and_cest() {
        use chrono::{DateTime, NaiveDate};
        let d =
            |s: &str| crate::law::ljubljana_date(DateTime::parse_from_rfc3339(s).unwrap().into());
        assert_eq!(
            d("2026-12-03T23:30:00Z"),
            NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
        );
        assert_eq!(
            d("2026-12-03T22:59:00Z"),
            NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
        );
        assert_eq!(
            d("2026-07-01T22:30:00Z"),
            NaiveDate::from_ymd_opt(2026, 7, 2).unwrap()
        );
        assert_eq!(
            d("2026-07-01T21:59:00Z"),
            NaiveDate::from_ymd_opt(2026, 7, 1).unwrap()
        );
    }

    use clap::CommandFactory;

    #[test]
    fn cli_is_valid() {
        super::Cli::command().debug_assert();
    }
}

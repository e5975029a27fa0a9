//! Command-line interface (design.md §8): one file per subcommand, each an `Args` struct and an
//! `async fn run`. Global flags: `--data-dir`, `--database-url`, `--json`.

pub mod import;
pub mod migrate;

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
    /// Import claims from CSV, JSON, e-SLOG 2.0 invoices or court XML (act 568).
    Import(import::Args),
    /// Apply database migrations.
    Migrate,
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
        Command::Import(a) => import::run(&ctx, a).await,
        Command::Migrate => migrate::run(&ctx).await,
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_valid() {
        super::Cli::command().debug_assert();
    }
}

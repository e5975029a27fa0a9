//! Storage: SQLite (embedded default) or PostgreSQL, chosen by URL; the same runtime queries run
//! on both (stack.md B.17). Each aggregate has its own file; use-case code opens a [`Tx`], passes
//! it to the store functions and commits.

pub mod alerts;
pub mod batches;
// tracker-glue: cases, their transitions, court documents, deadlines, fee payments.
pub mod cases;
pub mod claims;
pub mod court;
pub mod events;
pub mod health;
pub mod insolvency;
pub mod jobs;
pub mod packages;
pub mod rates;
pub mod synthetic;
#[cfg(test)]
mod tests;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

/// Store errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL '{0}': use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A connection pool to one of the two backends.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open write transaction on either backend.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs the same body against whichever pool `db` holds: `on_db!(db, |pool| body)`.
macro_rules! on_db {
    ($db:expr, |$p:ident| $body:expr) => {
        match $db {
            $crate::store::Db::Sqlite($p) => $body,
            $crate::store::Db::Postgres($p) => $body,
        }
    };
}

/// Runs the same body against the connection of a transaction: `on_tx!(tx, |conn| body)`.
macro_rules! on_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx {
            $crate::store::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::store::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use {on_db, on_tx};

impl Db {
    /// Connects by URL: `sqlite://path/writ.db` (created if missing, WAL, foreign keys on) or
    /// `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30));
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(opts)
                .await?;
            Ok(Db::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                .connect(url)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            Err(StoreError::UnsupportedUrl(url.to_string()))
        }
    }

    /// The SQLite URL for a data directory: `DIR/writ.db`.
    pub fn sqlite_url_for(data_dir: &Path) -> String {
        format!("sqlite://{}", data_dir.join("writ.db").display())
    }

    /// Applies the embedded migrations of the backend.
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(p) => sqlx::migrate!("migrations/sqlite").run(p).await?,
            Db::Postgres(p) => sqlx::migrate!("migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    /// Begins a write transaction (`BEGIN IMMEDIATE` on SQLite, so two writers never deadlock on
    /// a lock upgrade).
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Backend name for messages.
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "SQLite",
            Db::Postgres(_) => "PostgreSQL",
        }
    }

    /// True when the database holds no claims yet (the demo refuses a used database).
    pub async fn is_empty(&self) -> Result<bool> {
        let n: i64 = on_db!(self, |p| sqlx::query_scalar("select count(*) from claims")
            .fetch_one(p)
            .await?);
        Ok(n == 0)
    }

    /// Drops every table of the database (the demo's `--reset`), listed from the database's
    /// own catalogue so new tables are never forgotten. Irreversible.
    pub async fn reset(&self) -> Result<()> {
        match self {
            Db::Postgres(p) => {
                let tables: Vec<String> = sqlx::query_scalar(
                    "select tablename::text from pg_tables where schemaname = current_schema()",
                )
                .fetch_all(p)
                .await?;
                for t in tables {
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "drop table if exists \"{t}\" cascade"
                    )))
                    .execute(p)
                    .await?;
                }
            }
            Db::Sqlite(p) => {
                let mut conn = p.acquire().await?;
                sqlx::query("pragma foreign_keys = off")
                    .execute(&mut *conn)
                    .await?;
                let tables: Vec<String> = sqlx::query_scalar(
                    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'",
                )
                .fetch_all(&mut *conn)
                .await?;
                for t in tables {
                    sqlx::query(sqlx::AssertSqlSafe(format!("drop table if exists \"{t}\"")))
                        .execute(&mut *conn)
                        .await?;
                }
                sqlx::query("pragma foreign_keys = on")
                    .execute(&mut *conn)
                    .await?;
            }
        }
        Ok(())
    }

    pub async fn close(&self) {
        on_db!(self, |p| p.close().await)
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// Test support: a fresh migrated database per test — SQLite in a temp dir always, and
/// PostgreSQL (a new database) when `WRIT_TEST_DATABASE_URL` is set.
#[doc(hidden)]
pub mod testing {
    use super::*;

    /// A database for one test; keeps its temp dir alive.
    pub struct TestDb {
        pub db: Db,
        pub url: String,
        _dir: Option<tempfile::TempDir>,
    }

    /// Fresh SQLite database in a temp dir.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = Db::sqlite_url_for(dir.path());
        let db = Db::connect(&url).await.expect("connect sqlite");
        db.migrate().await.expect("migrate sqlite");
        TestDb {
            db,
            url,
            _dir: Some(dir),
        }
    }

    /// Fresh PostgreSQL database (`writ_test_<random>`) on the server of
    /// `WRIT_TEST_DATABASE_URL`, or None when the variable is not set.
    pub async fn postgres() -> Option<TestDb> {
        let base = std::env::var("WRIT_TEST_DATABASE_URL").ok()?;
        let url = create_pg_database(&base).await;
        let db = Db::connect(&url).await.expect("connect postgres");
        db.migrate().await.expect("migrate postgres");
        Some(TestDb {
            db,
            url,
            _dir: None,
        })
    }

    /// Creates a new empty database next to the one `base` points at and returns its URL.
    pub async fn create_pg_database(base: &str) -> String {
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(base)
            .await
            .expect("WRIT_TEST_DATABASE_URL must point at a reachable PostgreSQL");
        let mut rnd = [0u8; 8];
        openssl::rand::rand_bytes(&mut rnd).expect("random bytes");
        let name = format!("writ_test_{}", hex::encode(rnd));
        sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
            .execute(&admin)
            .await
            .expect("create test database");
        admin.close().await;
        match base.rfind('/') {
            Some(i) if !base[i + 1..].contains('@') => {
                let (head, tail) = base.split_at(i + 1);
                let query = tail.find('?').map(|q| &tail[q..]).unwrap_or("");
                format!("{head}{name}{query}")
            }
            _ => format!("{}/{name}", base.trim_end_matches('/')),
        }
    }

    /// Every backend available to this test run: SQLite, plus PostgreSQL when configured.
    pub async fn all() -> Vec<TestDb> {
        let mut v = vec![sqlite().await];
        if let Some(pg) = postgres().await {
            v.push(pg);
        }
        v
    }
}

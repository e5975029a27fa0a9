//! `writ file [--connector outbox|exchange]`: render, validate, sign and package every ready
//! claim into the outbox; with `--connector exchange`, then send every package not yet answered
//! to the court exchange (`--court-url`) and store the receipts. The outbox is written either
//! way: it is the record of what was sent.

use std::path::PathBuf;

use super::Ctx;
use crate::filing::pipeline::{FileOptions, FileReport, file_ready};
use crate::filing::sign::Signer;
use crate::filing::validate::CourtSchema;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Outbox folder (default: DATA_DIR/outbox).
    #[arg(long, env = "WRIT__FILING__OUTBOX")]
    pub outbox: Option<PathBuf>,
    /// Proposals per package.
    #[arg(long, env = "WRIT__FILING__PACKAGE_SIZE", default_value_t = 500)]
    pub package_size: usize,
    #[command(flatten)]
    pub key: KeyArgs,
    /// Where packages go: `outbox` (a folder for the e-Sodstvo portal) or `exchange` (the court
    /// exchange over HTTP; the outbox is still written as the record).
    #[arg(long, value_enum, default_value_t = Connector::Outbox, env = "WRIT__FILING__CONNECTOR")]
    pub connector: Connector,
    #[command(flatten)]
    pub court: CourtArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Connector {
    Outbox,
    Exchange,
}

/// How to reach the court exchange.
#[derive(Debug, Clone, clap::Args)]
pub struct CourtArgs {
    /// Base URL of the court exchange (e.g. http://127.0.0.1:8443 for `writ court-sim`).
    #[arg(long, env = "WRIT__COURT__URL")]
    pub court_url: Option<String>,
    /// PEM file of the CA that signs the court's receipts (default:
    /// DATA_DIR/court-sim/court-ca.pem when present; otherwise receipts are checked
    /// cryptographically only, with a warning).
    #[arg(long, env = "WRIT__COURT__CA")]
    pub court_ca: Option<PathBuf>,
    /// PKCS#12 with the TLS client certificate for the court (mutual TLS).
    #[arg(long, env = "WRIT__COURT__CLIENT_P12")]
    pub client_p12: Option<PathBuf>,
    /// Name of the environment variable holding the TLS client certificate's password.
    #[arg(long, default_value = "WRIT__COURT__CLIENT_PASSWORD")]
    pub client_password_env: String,
    /// Whole-request timeout in seconds.
    #[arg(long, default_value_t = 120, env = "WRIT__COURT__TIMEOUT")]
    pub timeout_secs: u64,
    /// Connect timeout in seconds.
    #[arg(long, default_value_t = 10, env = "WRIT__COURT__CONNECT_TIMEOUT")]
    pub connect_timeout_secs: u64,
    /// Retries of transient failures (connection, timeout, 500/502/503/504).
    #[arg(long, default_value_t = 6, env = "WRIT__COURT__RETRIES")]
    pub retries: usize,
    /// First retry delay in milliseconds (doubling, with jitter, up to 30 s).
    #[arg(long, default_value_t = 500, env = "WRIT__COURT__RETRY_MIN_MS")]
    pub retry_min_ms: u64,
}

impl CourtArgs {
    /// The client configuration; `None` when no court URL is given.
    pub fn client_config(&self, ctx: &Ctx) -> anyhow::Result<crate::court::client::ClientConfig> {
        use crate::court::client::{ClientConfig, RetryPolicy};
        use std::time::Duration;
        let url = self
            .court_url
            .clone()
            .ok_or_else(|| anyhow::anyhow!("--connector exchange needs --court-url"))?;
        let mut c = ClientConfig::new(url);
        c.timeout = Duration::from_secs(self.timeout_secs.max(1));
        c.connect_timeout = Duration::from_secs(self.connect_timeout_secs.max(1));
        c.retry = RetryPolicy {
            min_delay: Duration::from_millis(self.retry_min_ms),
            max_retries: self.retries,
            ..RetryPolicy::default()
        };
        let ca = self.court_ca.clone().or_else(|| {
            let f = ctx
                .data_dir
                .join(super::court_sim::STATE_DIR)
                .join(crate::court::sim::COURT_CA_PEM);
            f.exists().then_some(f)
        });
        match ca {
            Some(path) => {
                let pem = std::fs::read(&path).map_err(|e| {
                    anyhow::anyhow!("cannot read the court CA {}: {e}", path.display())
                })?;
                c.court_cas = openssl::x509::X509::stack_from_pem(&pem)?;
            }
            None => tracing::warn!(
                "no court CA given (--court-ca): receipts are checked cryptographically only"
            ),
        }
        if let Some(p12) = &self.client_p12 {
            let der = std::fs::read(p12).map_err(|e| {
                anyhow::anyhow!(
                    "cannot read the TLS client certificate {}: {e}",
                    p12.display()
                )
            })?;
            let password = std::env::var(&self.client_password_env).unwrap_or_default();
            c.client_p12 = Some((der, password));
        }
        Ok(c)
    }
}

/// The filer's signing key: a PKCS#12 file and its password.
#[derive(Debug, Clone, clap::Args)]
pub struct KeyArgs {
    /// PKCS#12 (.p12/.pfx) with the filer's certificate (default: the demo certificate in
    /// DATA_DIR/certs, made by `writ init`).
    #[arg(long, env = "WRIT__SIGNING__P12")]
    pub p12: Option<PathBuf>,
    /// Name of the environment variable holding the PKCS#12 password.
    #[arg(long, default_value = "WRIT__SIGNING__PASSWORD")]
    pub password_env: String,
    /// File holding the PKCS#12 password (a trailing newline is ignored).
    #[arg(long, env = "WRIT__SIGNING__PASSWORD_FILE")]
    pub password_file: Option<PathBuf>,
}

impl KeyArgs {
    /// Loads the signer, defaulting to the demo certificate of the data directory.
    pub fn signer(&self, ctx: &Ctx) -> anyhow::Result<Signer> {
        let certs = ctx.data_dir.join("certs");
        let p12 = self
            .p12
            .clone()
            .unwrap_or_else(|| certs.join(super::init::DEMO_P12));
        let password_file = self.password_file.clone().or_else(|| {
            let f = certs.join(super::init::DEMO_PASSWORD);
            (self.p12.is_none() && f.exists()).then_some(f)
        });
        let der = std::fs::read(&p12).map_err(|e| {
            anyhow::anyhow!(
                "cannot read the signing certificate {}: {e}; run `writ init` for a demo certificate or pass --p12",
                p12.display()
            )
        })?;
        let password = crate::filing::sign::keys::password_from_env_or_file(
            Some(&self.password_env),
            password_file.as_deref(),
        )?;
        Ok(Signer::from_pkcs12(&der, &password)?)
    }
}

pub fn print_report(r: &FileReport) {
    println!(
        "{} proposal(s) signed and filed to the outbox",
        r.proposals_filed
    );
    for p in &r.packages {
        println!(
            "  package {}: {} item(s), control sum {} EUR{} -> {}",
            p.id,
            p.items,
            p.control_sum,
            if p.resumed {
                " (completed from an interrupted run)"
            } else {
                ""
            },
            p.dir
        );
    }
    for f in &r.failures {
        println!("  NOT FILED claim {}: {}", f.claim_id, f.reason);
    }
}

pub fn print_submit_report(r: &crate::filing::submit::SubmitReport) {
    for s in &r.submitted {
        println!(
            "  court receipt {} for package {}: {} accepted, {} rejected ({} attempt(s))",
            s.receipt_id, s.package_id, s.accepted, s.rejected, s.attempts
        );
        if let Some((code, message)) = &s.package_rejection {
            println!("    package rejected: {code} {message}");
        }
    }
    for f in &r.failed {
        println!(
            "  NOT SENT package {} (will be sent again by the next run): {}",
            f.package_id, f.error
        );
    }
}

/// Prints the court's verdict on every proposal of the packages just sent.
async fn print_verdicts(
    db: &crate::store::Db,
    r: &crate::filing::submit::SubmitReport,
) -> anyhow::Result<()> {
    for s in &r.submitted {
        for it in crate::store::court::receipt_items(db, &s.package_id).await? {
            if it.status == "accepted" {
                println!(
                    "    {} {} fee {} EUR ref {} due {}",
                    it.proposal_id,
                    it.case_number.as_deref().unwrap_or("-"),
                    it.fee_amount.as_deref().unwrap_or("-"),
                    it.fee_reference.as_deref().unwrap_or("-"),
                    it.fee_due_date.map(|d| d.to_string()).unwrap_or_default()
                );
            } else {
                println!(
                    "    {} REJECTED {} {}",
                    it.proposal_id,
                    it.code.as_deref().unwrap_or("-"),
                    it.message.as_deref().unwrap_or("")
                );
            }
        }
    }
    Ok(())
}

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    // Check the court settings before anything is signed.
    let client = match args.connector {
        Connector::Exchange => {
            let config = args.court.client_config(ctx)?;
            let url = config.base_url.clone();
            Some((crate::court::client::CourtClient::new(config)?, url))
        }
        Connector::Outbox => None,
    };
    let db = ctx.db().await?;
    let signer = args.key.signer(ctx)?;
    let schema = CourtSchema::embedded()?;
    let outbox = args
        .outbox
        .clone()
        .unwrap_or_else(|| ctx.data_dir.join("outbox"));
    let report = file_ready(
        &db,
        &FileOptions {
            package_size: args.package_size,
            outbox,
            signer: &signer,
            schema: &schema,
            progress: !ctx.json,
        },
    )
    .await?;
    let submitted = match &client {
        Some((client, url)) => Some(crate::filing::submit::submit_pending(&db, client, url).await?),
        None => None,
    };
    if ctx.json {
        // The outbox connector prints the filing report alone, as before.
        let out = match &submitted {
            Some(s) => serde_json::json!({"filing": report, "court": s}),
            None => serde_json::to_value(&report)?,
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_report(&report);
        if let Some(s) = &submitted {
            println!("court exchange:");
            print_submit_report(s);
            print_verdicts(&db, s).await?;
        }
    }
    let failed =
        !report.failures.is_empty() || submitted.as_ref().is_some_and(|s| !s.failed.is_empty());
    Ok(if failed { 1 } else { 0 })
}

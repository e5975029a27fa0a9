//! `writ file --outbox DIR`: render, validate, sign and package every ready claim.

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

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
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
    if ctx.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    Ok(if report.failures.is_empty() { 0 } else { 1 })
}

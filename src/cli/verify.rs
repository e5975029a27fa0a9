//! `writ verify FILE [--trusted-ca PEM]... [--at RFC3339] [--no-chain] [--hmac-key FILE]`: exit
//! status 0 only for a valid signature; the reason on failure.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use openssl::x509::X509;

use super::Ctx;
use crate::filing::sign::{VerifyOptions, verify};

/// Environment variable with extra trusted CA files, separated by ':'.
pub const TRUSTED_CA_ENV: &str = "WRIT__VERIFY__TRUSTED_CA";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The signed XML document.
    pub file: PathBuf,
    /// A trusted CA certificate (PEM, may hold several); repeatable.
    #[arg(long = "trusted-ca")]
    pub trusted_ca: Vec<PathBuf>,
    /// Check the certificate chain and validity at this time (RFC 3339) instead of now.
    #[arg(long)]
    pub at: Option<DateTime<Utc>>,
    /// Check the cryptography and the XAdES properties only, not the chain or validity.
    #[arg(long)]
    pub no_chain: bool,
    /// File with the shared key for HMAC signatures (without it, HMAC signatures are refused).
    #[arg(long)]
    pub hmac_key: Option<PathBuf>,
}

fn load_pems(path: &Path) -> anyhow::Result<Vec<X509>> {
    let bytes = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("cannot read trusted CA {}: {e}", path.display()))?;
    let certs = X509::stack_from_pem(&bytes)
        .or_else(|_| X509::from_der(&bytes).map(|c| vec![c]))
        .map_err(|e| anyhow::anyhow!("{} is not a PEM or DER certificate: {e}", path.display()))?;
    anyhow::ensure!(!certs.is_empty(), "{} holds no certificate", path.display());
    Ok(certs)
}

/// Trusted CAs from configuration: `DATA_DIR/certs/trusted/*.pem` (the demo puts its CA there)
/// and the files named in `WRIT__VERIFY__TRUSTED_CA`.
pub fn configured_cas(ctx: &Ctx) -> anyhow::Result<Vec<X509>> {
    let mut out = Vec::new();
    let dir = ctx.data_dir.join("certs").join("trusted");
    if let Ok(rd) = std::fs::read_dir(&dir) {
        let mut paths: Vec<_> = rd.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "pem" || e == "crt"))
        {
            out.extend(load_pems(p)?);
        }
    }
    if let Ok(list) = std::env::var(TRUSTED_CA_ENV) {
        for p in list.split(':').filter(|s| !s.is_empty()) {
            out.extend(load_pems(Path::new(p))?);
        }
    }
    Ok(out)
}

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    let xml = std::fs::read(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let mut cas = Vec::new();
    for p in &args.trusted_ca {
        cas.extend(load_pems(p)?);
    }
    cas.extend(configured_cas(ctx)?);
    if !args.no_chain && cas.is_empty() {
        eprintln!(
            "INVALID {}: no trusted CA is configured, so the certificate chain cannot be checked; pass --trusted-ca PEM, put the CA's PEM file in {}, or set {TRUSTED_CA_ENV} (or use --no-chain to check the cryptography only)",
            args.file.display(),
            ctx.data_dir.join("certs").join("trusted").display()
        );
        return Ok(1);
    }
    let hmac_key = match &args.hmac_key {
        Some(p) => Some(
            std::fs::read(p)
                .map_err(|e| anyhow::anyhow!("cannot read HMAC key {}: {e}", p.display()))?,
        ),
        None => None,
    };
    let opts = VerifyOptions {
        trusted_cas: cas,
        at: args.at,
        check_chain: !args.no_chain,
        hmac_key,
    };
    match verify(&xml, &opts) {
        Ok(v) => {
            if ctx.json {
                let mut j = serde_json::to_value(&v)?;
                if let Some(o) = j.as_object_mut() {
                    o.insert("valid".into(), serde_json::Value::Bool(true));
                }
                println!("{}", serde_json::to_string_pretty(&j)?);
            } else {
                println!("VALID {}", args.file.display());
                if let Some(s) = &v.signer_subject {
                    println!("  signed by:   {s}");
                }
                if let Some(t) = v.signing_time {
                    println!("  signed at:   {t}");
                }
                println!(
                    "  algorithm:   {} ({})",
                    v.signature_algorithm, v.canonicalization
                );
                println!("  references:  {}", v.references.len());
                println!(
                    "  XAdES:       {}",
                    if v.xades_checked { "checked" } else { "none" }
                );
                println!(
                    "  chain:       {}",
                    if v.chain_checked {
                        "checked"
                    } else {
                        "not checked (--no-chain)"
                    }
                );
            }
            Ok(0)
        }
        Err(e) => {
            if ctx.json {
                println!(
                    "{}",
                    serde_json::json!({"valid": false, "file": args.file.display().to_string(), "reason": e.to_string()})
                );
            }
            eprintln!("INVALID {}: {e}", args.file.display());
            Ok(1)
        }
    }
}

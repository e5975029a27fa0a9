//! `writ sign FILE --p12 PATH`: an enveloped XML-DSig + XAdES-BES signature with the filer's key.

use std::path::PathBuf;

use chrono::Utc;

use super::Ctx;
use super::file::KeyArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The XML document to sign (UTF-8).
    pub file: PathBuf,
    /// Where to write the signed document (default: FILE with `.signed.xml`).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub key: KeyArgs,
}

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    let signer = args.key.signer(ctx)?;
    let xml = std::fs::read(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let signed = signer.sign_enveloped(&xml, Utc::now())?;
    let out = args
        .output
        .unwrap_or_else(|| args.file.with_extension("signed.xml"));
    crate::filing::outbox::write_atomic(&out, &signed)?;
    println!("signed by {} -> {}", signer.subject(), out.display());
    Ok(0)
}

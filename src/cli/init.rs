//! `writ init`: a data directory with a migrated database and a DEMO CA and filer certificate.

use std::path::Path;

use chrono::Utc;

use super::Ctx;
use crate::filing::sign::pki;

pub const DEMO_CA: &str = "demo-ca.pem";
pub const DEMO_P12: &str = "demo-filer.p12";
pub const DEMO_PASSWORD: &str = "demo-filer.password";
/// The demo certificate's password (not a secret: the certificate is marked DEMO).
pub const DEMO_PASSWORD_VALUE: &str = "demo";

/// Creates the demo PKI in `DIR/certs` unless it exists; returns true when it was created.
pub fn ensure_demo_pki(data_dir: &Path) -> anyhow::Result<bool> {
    let certs = data_dir.join("certs");
    if certs.join(DEMO_P12).exists() && certs.join(DEMO_CA).exists() {
        return Ok(false);
    }
    std::fs::create_dir_all(&certs)?;
    let demo = pki::create_demo_pki(Utc::now())?;
    demo.write_to(&certs, DEMO_PASSWORD_VALUE)?;
    std::fs::write(
        certs.join(DEMO_PASSWORD),
        format!("{DEMO_PASSWORD_VALUE}\n"),
    )?;
    // The demo trusts its own CA (configured trust anchors live in certs/trusted/).
    std::fs::create_dir_all(certs.join("trusted"))?;
    std::fs::copy(certs.join(DEMO_CA), certs.join("trusted").join(DEMO_CA))?;
    Ok(true)
}

pub async fn run(ctx: &Ctx) -> anyhow::Result<i32> {
    let db = ctx.db().await?;
    let created = ensure_demo_pki(&ctx.data_dir)?;
    println!("{} database ready", db.backend());
    let certs = ctx.data_dir.join("certs");
    if created {
        println!(
            "DEMO CA and filer certificate created in {}",
            certs.display()
        );
    } else {
        println!("DEMO certificates already in {}", certs.display());
    }
    Ok(0)
}

//! `writ demo`: the main job end to end on the embedded defaults — a fresh database, the DEMO
//! certificates, the sample batch imported, linted, signed, packaged into the outbox, and a
//! summary table.

use std::path::PathBuf;

use super::Ctx;
use crate::filing::pipeline::{FileOptions, file_ready, import_files, lint_all};
use crate::filing::validate::CourtSchema;
use crate::store::claims::{self, ClaimStatus};

/// The sample inputs, embedded so the demo runs from any directory.
const SAMPLE_BATCH: &[u8] = include_bytes!("../../fixtures/sample-batch.csv");
const SAMPLE_INVOICE: &[u8] = include_bytes!("../../fixtures/eslog/invoice-2026-0415.xml");

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Empty a database that already holds claims (the demo refuses a used one otherwise).
    #[arg(long)]
    pub reset: bool,
    /// Proposals per package.
    #[arg(long, default_value_t = 500)]
    pub package_size: usize,
}

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    std::fs::create_dir_all(&ctx.data_dir)?;
    let db = crate::store::Db::connect(&ctx.database_url()?).await?;
    db.migrate().await?;
    if !db.is_empty().await? {
        if !args.reset {
            anyhow::bail!(
                "the database already holds claims; run the demo with a new --data-dir, or add --reset to empty it"
            );
        }
        db.reset().await?;
        db.migrate().await?;
        let _ = std::fs::remove_dir_all(ctx.data_dir.join("outbox"));
    }
    println!(
        "writ demo — {} database, data in {}",
        db.backend(),
        ctx.data_dir.display()
    );
    super::init::ensure_demo_pki(&ctx.data_dir)?;
    println!(
        "  DEMO CA:          {}",
        ctx.data_dir
            .join("certs")
            .join(super::init::DEMO_CA)
            .display()
    );
    println!(
        "  DEMO filer (p12): {} (password '{}')",
        ctx.data_dir
            .join("certs")
            .join(super::init::DEMO_P12)
            .display(),
        super::init::DEMO_PASSWORD_VALUE
    );

    let input = ctx.data_dir.join("input");
    std::fs::create_dir_all(&input)?;
    let files: Vec<PathBuf> = vec![
        input.join("sample-batch.csv"),
        input.join("invoice-2026-0415.xml"),
    ];
    std::fs::write(&files[0], SAMPLE_BATCH)?;
    std::fs::write(&files[1], SAMPLE_INVOICE)?;

    println!("\n1. import");
    let imported = import_files(&db, &files).await?;
    super::import::print_report(&imported);

    println!("\n2. insolvency watch (registry simulator on loopback)");
    let registry = demo_registry().await?;
    let today = super::today();
    let (lists, notices, missing) =
        super::insolvency::poll(&db, &registry, today - chrono::Duration::days(14), today).await?;
    println!("  {lists} daily list(s) and {notices} notice(s) received from {registry}");
    for m in &missing {
        println!("  ALERT {m}");
    }

    println!("\n3. lint");
    let linted = lint_all(&db, super::today()).await?;
    super::lint::print_report(&linted, true);

    println!("\n4. render, validate, sign, package");
    let signer = super::file::KeyArgs {
        p12: None,
        password_env: "WRIT_DEMO_PASSWORD_UNUSED".into(),
        password_file: None,
    }
    .signer(ctx)?;
    let schema = CourtSchema::embedded()?;
    let outbox = ctx.data_dir.join("outbox");
    let filed = file_ready(
        &db,
        &FileOptions {
            package_size: args.package_size,
            outbox: outbox.clone(),
            signer: &signer,
            schema: &schema,
            progress: true,
        },
    )
    .await?;
    super::file::print_report(&filed);

    println!("\n5. summary");
    print_summary(&db, &linted).await?;
    println!(
        "\nCheck them yourself:\n  xmllint --nonet --noout --schema xsd/izvrsba-1.1.xsd {}/*/proposals/*.xml\n  xmlsec1 --verify --trusted-pem {} --id-attr:Id http://uri.etsi.org/01903/v1.3.2#:SignedProperties FILE",
        outbox.display(),
        ctx.data_dir
            .join("certs")
            .join(super::init::DEMO_CA)
            .display()
    );
    Ok(0)
}

async fn print_summary(
    db: &crate::store::Db,
    linted: &crate::filing::pipeline::LintReport,
) -> anyhow::Result<()> {
    let all = claims::list(db, None).await?;
    let filed_ids = crate::store::packages::filed_keys(db).await?;
    println!(
        "{:<4} {:<14} {:<34} {:>4} {:>12}  {:<8} proposal / reason",
        "id", "claim", "debtor", "docs", "principal", "status"
    );
    for c in &all {
        let status = c.status.as_str();
        let detail = if c.status == ClaimStatus::Filed {
            filed_ids
                .iter()
                .find(|(k, _)| *k == c.claim_key)
                .map(|(_, p)| p.clone())
                .unwrap_or_default()
        } else {
            linted
                .claims
                .iter()
                .find(|l| l.claim_id == c.id)
                .map(|l| {
                    l.findings
                        .iter()
                        .filter(|f| f.severity == crate::filing::lint::Severity::Error)
                        .map(|f| format!("{} {}", f.code.as_str(), f.field))
                        .fold(Vec::<String>::new(), |mut v, x| {
                            if !v.contains(&x) {
                                v.push(x);
                            }
                            v
                        })
                        .join("; ")
                })
                .unwrap_or_default()
        };
        let mut debtor = c.claim.debtor.party.display_name();
        if debtor.chars().count() > 34 {
            debtor = debtor.chars().take(33).collect::<String>() + "…";
        }
        println!(
            "{:<4} {:<14} {:<34} {:>4} {:>12}  {:<8} {}",
            c.id,
            c.claim.external_ref.as_deref().unwrap_or("-"),
            debtor,
            c.claim.documents.len(),
            format!("{:.2}", c.claim.principal()),
            status,
            detail
        );
    }
    Ok(())
}

/// The registry simulator with one of the sample batch's debtors (Kovinar Kranj d.o.o.) in
/// bankruptcy since 10 days ago; returns its base URL.
async fn demo_registry() -> anyhow::Result<String> {
    use crate::law::ids::{CaseNumber, RegistrationNumber, TaxNumber};
    use crate::tracker::insolvency::{
        DebtorKind, NoticeAddress, ProceedingsType, SimConfig, SimDebtor, spawn,
    };
    let today = super::today();
    let opened = today - chrono::Duration::days(10);
    let mut config = SimConfig::new(7);
    config.published_through = Some(today);
    config.insolvent.push(SimDebtor {
        kind: DebtorKind::LegalPerson,
        name: "Kovinar Kranj d.o.o.".into(),
        tax_number: TaxNumber::parse("89123450")?,
        registration_number: Some(RegistrationNumber::parse("9753109000")?),
        emso: None,
        birth_date: None,
        address: NoticeAddress {
            street: "Savska loka 21".into(),
            post_code: "4000".into(),
            city: "Kranj".into(),
        },
        proceedings_type: ProceedingsType::Bankruptcy,
        opening_date: opened,
        publication_date: opened,
        claim_deadline: None,
        court: "Okrožno sodišče v Kranju".into(),
        case_number: CaseNumber::parse("St 412/2026")?,
        administrator: Some("Ana Upravitelj".into()),
    });
    let (addr, _handle) = spawn(config).await?;
    Ok(format!("http://{addr}"))
}

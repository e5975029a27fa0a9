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
        // The simulated court forgets the old filings too (its keys stay).
        let _ = std::fs::remove_file(
            ctx.data_dir
                .join(super::court_sim::STATE_DIR)
                .join("state.json"),
        );
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
    let client = crate::tracker::insolvency::RegistryClient::new(&registry)?;
    let (lists, notices, missing) = crate::tracker::insolvency_poll::poll(
        &db,
        &client,
        &super::insolvency::registry_label(&client),
        today - chrono::Duration::days(14),
        today,
    )
    .await?;
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
    track(ctx, &db, &signer).await?;
    Ok(0)
}

/// Weeks the demo moves the simulated court ahead, one at a time.
const DEMO_WEEKS: u32 = 4;
/// The simulator's seed in the demo: with the sample batch it gives one rejection and one
/// objection among the eight cases (the default shares: 10 % and 20 %).
const DEMO_SEED: u64 = 1;

/// The tracker part of the demo (design.md §8): file the package to the in-process court
/// simulator, pay most fees, advance the court week by week taking its documents, print the
/// case table.
async fn track(
    ctx: &Ctx,
    db: &crate::store::Db,
    signer: &crate::filing::sign::Signer,
) -> anyhow::Result<()> {
    use crate::court::sim::{self, SimConfig};

    println!("\n6. file through the court exchange (in-process court simulator)");
    let ca = std::fs::read(ctx.data_dir.join("certs").join(super::init::DEMO_CA))?;
    let mut config = SimConfig::new(openssl::x509::X509::stack_from_pem(&ca)?);
    config.data_dir = Some(ctx.data_dir.join(super::court_sim::STATE_DIR));
    config.seed = DEMO_SEED;
    let (_, court) = sim::spawn(config).await?;
    let court_args = super::file::CourtArgs {
        court_url: Some(court.url()),
        court_ca: None,
        client_p12: None,
        client_password_env: "WRIT__COURT__CLIENT_PASSWORD".into(),
        timeout_secs: 60,
        connect_timeout_secs: 5,
        retries: 3,
        retry_min_ms: 100,
    };
    let client = crate::court::client::CourtClient::new(court_args.client_config(ctx)?)?;
    let submitted = crate::filing::submit::submit_pending(db, &client, &court.url()).await?;
    println!("  court simulator on {}", court.url());
    super::file::print_submit_report(&submitted);

    println!("\n7. pay the court fees (all but one case)");
    let today = super::today();
    let open = crate::store::cases::list(db, Some("submitted"), None, today).await?;
    let keep_unpaid = open.first().map(|c| c.id);
    for row in &open {
        let Some(c) = crate::store::cases::get(db, row.id).await? else {
            continue;
        };
        let (Some(reference), Some(amount)) = (&c.fee_reference, &c.fee_amount) else {
            continue;
        };
        if Some(c.id) == keep_unpaid {
            println!(
                "  {} fee {amount} EUR left unpaid (the court will order payment, then deem the proposal withdrawn)",
                c.case_number.as_deref().unwrap_or("-")
            );
            continue;
        }
        let value: rust_decimal::Decimal = amount.parse()?;
        let paid = super::fees::record_payment(db, reference, value, today).await?;
        client.sim_fee_payment(reference, amount, today).await?;
        println!(
            "  {} fee {amount} EUR paid with {reference}: {}",
            c.case_number.as_deref().unwrap_or("-"),
            paid.state.as_deref().unwrap_or("-")
        );
    }

    println!("\n8. the court works; writ tracks (one week at a time)");
    let filer = signer.serial_hex()?;
    let clock: std::sync::Arc<dyn crate::tracker::queue::Clock> =
        std::sync::Arc::new(crate::tracker::queue::SystemClock);
    for week in 1..=DEMO_WEEKS {
        let court_day = client.sim_advance(7).await?;
        let tracker =
            super::track::court_tracker(ctx, db, &court_args, filer.clone(), clock.clone(), None)?;
        let (ran, failed) = super::track::track_once(db, tracker).await?;
        println!(
            "  week {week}: court {}; {} document(s) taken{}",
            court_day
                .replace("date=", "date ")
                .replace(" issued=", ", issued "),
            ran.saturating_sub(1),
            if failed > 0 {
                format!(", {failed} job(s) failed")
            } else {
                String::new()
            }
        );
    }
    court.shutdown().await?;

    println!("\n9. cases");
    super::cases::print_table(&crate::store::cases::list(db, None, None, today).await?);
    Ok(())
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
    use crate::tracker::insolvency::{SimConfig, spawn};
    let today = super::today();
    let mut config = SimConfig::new(7);
    config.published_through = Some(today);
    config
        .insolvent
        .push(super::registry_sim::demo_debtor(today)?);
    let (addr, _handle) = spawn(config).await?;
    Ok(format!("http://{addr}"))
}

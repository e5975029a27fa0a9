//! `writ bench`: the filing pipeline on a generated batch, with throughput and peak memory, and
//! the peers measured in the same run: `xmlsec1 --sign` once per file (the usual way people sign
//! such files) and `openssl speed rsa2048` (the RSA limit of this machine). Then the insolvency
//! check as known debtors grow, and one tracker cycle as open cases grow ([`tracker`]).

pub mod tracker;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use chrono::Utc;

use super::Ctx;
use crate::filing::model::{Court, Proposal};
use crate::filing::pipeline::{FileOptions, file_ready, import_files, lint_all};
use crate::filing::render::render_proposal;
use crate::filing::sign::pki;
use crate::filing::validate::CourtSchema;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Claims in the generated batch (two documents each).
    #[arg(long, default_value_t = 10_000)]
    pub claims: usize,
    /// Files signed by xmlsec1 for the peer figure (0 to skip).
    #[arg(long, default_value_t = 200)]
    pub xmlsec1_files: usize,
    /// Largest number of known debtors for the insolvency check (0 to skip); measured at
    /// 1/100, 1/10 and all of it against a daily list of 500 tax numbers.
    #[arg(long, default_value_t = 1_000_000)]
    pub insolvency_debtors: usize,
    /// Skip the filing pipeline (run only the insolvency benchmark).
    #[arg(long)]
    pub insolvency_only: bool,
    /// Open cases in the store for one tracker cycle, one scale after another (comma-separated;
    /// 0 to skip).
    #[arg(long, value_delimiter = ',', default_value = "100000,1000000")]
    pub tracker_open_cases: Vec<u64>,
    /// New court documents the cycle takes, the same at every scale.
    #[arg(long, default_value_t = 1_000)]
    pub tracker_documents: usize,
    /// Run the tracker cycle on PostgreSQL: a scratch database is created on this server and
    /// dropped afterwards (default: SQLite in a temp dir).
    #[arg(long)]
    pub tracker_database_url: Option<String>,
    /// Run only the tracker benchmark.
    #[arg(long, conflicts_with = "insolvency_only")]
    pub tracker_only: bool,
}

impl Args {
    fn tracker_scales(&self) -> Vec<u64> {
        self.tracker_open_cases
            .iter()
            .copied()
            .filter(|n| *n > 0)
            .collect()
    }

    async fn run_tracker(&self) -> anyhow::Result<()> {
        let scales = self.tracker_scales();
        if scales.is_empty() {
            return Ok(());
        }
        tracker::run(
            &scales,
            self.tracker_documents,
            self.tracker_database_url.as_deref(),
        )
        .await
    }
}

/// The insolvency check at growing numbers of debtors, against a naive scan measured in the
/// same run (every list row compared with every debtor).
fn bench_insolvency(max: usize) {
    use crate::tracker::insolvency::{bench_check, synthetic_tax_number};
    println!("\ninsolvency check: daily list of 500 tax numbers against N known debtors");
    println!(
        "{:>10} {:>12} {:>12} {:>14} {:>10}",
        "debtors", "index build", "check", "naive scan", "naive/check"
    );
    for n in [max / 100, max / 10, max] {
        if n == 0 {
            continue;
        }
        let r = bench_check(n, 500);
        let debtors: Vec<String> = (0..n as u64)
            .map(|i| synthetic_tax_number(i).to_string())
            .collect();
        let list: Vec<String> = (0..500u64)
            .map(|j| {
                synthetic_tax_number(if j % 2 == 0 {
                    (j * 7919) % n as u64
                } else {
                    n as u64 + j
                })
                .to_string()
            })
            .collect();
        let t = Instant::now();
        let naive = list
            .iter()
            .filter(|t| debtors.iter().any(|d| d == *t))
            .count();
        let naive_t = t.elapsed();
        println!(
            "{:>10} {:>10.1}ms {:>10.3}ms {:>12.1}ms {:>9.0}x   ({} matches; naive found {naive})",
            n,
            r.build.as_secs_f64() * 1e3,
            r.check.as_secs_f64() * 1e3,
            naive_t.as_secs_f64() * 1e3,
            naive_t.as_secs_f64() / r.check.as_secs_f64().max(1e-9),
            r.matches
        );
    }
}

/// A generated valid batch of `n` claims (two documents each), as CSV.
pub fn generate_batch(n: usize) -> String {
    let mut s = String::from(
        "claim_ref;creditor_kind;creditor_name;creditor_tax_number;creditor_street;creditor_house_number;creditor_post_code;creditor_city;creditor_iban;debtor_kind;debtor_first_name;debtor_name;debtor_tax_number;debtor_street;debtor_house_number;debtor_post_code;debtor_city;document_number;document_date;due_date;amount\n",
    );
    for i in 0..n {
        for j in 0..2 {
            s.push_str(&format!(
                "B-{i};pravna;Energetika Primer d.o.o.;12345679;Dunajska cesta;101;1000;Ljubljana;SI56051008000123473;fizicna;Ime{i};Priimek{i};;Ulica {};{};1000;Ljubljana;R-{i}-{j};01.02.2026;03.03.2026;{}.{:02}\n",
                i % 300,
                i % 90 + 1,
                10 + i % 5000,
                (i + j * 7) % 100
            ));
        }
    }
    s
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|k| k.parse::<f64>().ok())
            })
        })
        .map(|kib| kib / 1024.0)
        .unwrap_or(f64::NAN)
}

fn openssl_rsa2048_signs_per_sec() -> Option<f64> {
    let o = Command::new("openssl")
        .args(["speed", "-seconds", "3", "rsa2048"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&o.stdout);
    // "rsa 2048 bits 0.000612s 0.000018s   1633.9  55555.6"
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("rsa 2048 bits"))?;
    line.split_whitespace().nth(5)?.parse().ok()
}

fn xmlsec1_per_file(
    dir: &Path,
    unsigned: &[Vec<u8>],
    key_pem: &Path,
    cert_pem: &Path,
) -> Option<f64> {
    const TEMPLATE: &str = r##"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"##;
    let mut paths = vec![];
    for (i, xml) in unsigned.iter().enumerate() {
        let text = String::from_utf8_lossy(xml);
        let close = text.rfind("</")?;
        let tmpl = format!("{}{}{}", &text[..close], TEMPLATE, &text[close..]);
        let p = dir.join(format!("t{i}.xml"));
        std::fs::write(&p, tmpl).ok()?;
        paths.push(p);
    }
    let keyarg = format!("{},{}", key_pem.display(), cert_pem.display());
    let start = Instant::now();
    for p in &paths {
        let out = p.with_extension("signed.xml");
        let st = Command::new("xmlsec1")
            .args(["--sign", "--privkey-pem", &keyarg, "--output"])
            .arg(&out)
            .arg(p)
            .output()
            .ok()?;
        if !st.status.success() {
            eprintln!(
                "xmlsec1 --sign failed: {}",
                String::from_utf8_lossy(&st.stderr)
            );
            return None;
        }
    }
    Some(start.elapsed().as_secs_f64() / paths.len() as f64)
}

pub async fn run(_ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    if args.insolvency_only {
        bench_insolvency(args.insolvency_debtors);
        return Ok(0);
    }
    if args.tracker_only {
        args.run_tracker().await?;
        return Ok(0);
    }
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    let n = args.claims;
    println!(
        "writ bench: {n} generated claims (2 documents each), SQLite in {}",
        d.display()
    );
    let csv = d.join("batch.csv");
    std::fs::write(&csv, generate_batch(n))?;
    let db = crate::store::Db::connect(&crate::store::Db::sqlite_url_for(d)).await?;
    db.migrate().await?;
    let demo = pki::create_demo_pki(Utc::now())?;
    let signer = demo.filer_signer()?;
    let schema = CourtSchema::embedded()?;

    let t = Instant::now();
    let imp = import_files(&db, std::slice::from_ref(&csv)).await?;
    let t_import = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        imp.claims_imported == n,
        "import lost claims: {:?}",
        imp.rejections.first()
    );

    let t = Instant::now();
    let lint = lint_all(&db, super::today()).await?;
    let t_lint = t.elapsed().as_secs_f64();
    anyhow::ensure!(lint.ready == n, "lint blocked generated claims");

    let t = Instant::now();
    let rep = file_ready(
        &db,
        &FileOptions {
            package_size: 500,
            outbox: d.join("outbox"),
            signer: &signer,
            schema: &schema,
            progress: true,
        },
    )
    .await?;
    let t_file = t.elapsed().as_secs_f64();
    anyhow::ensure!(rep.proposals_filed == n, "filing lost claims");

    // Stage breakdown on a sample of proposals: render, validate, sign.
    let sample: Vec<_> = crate::store::claims::list(&db, None)
        .await?
        .into_iter()
        .take(500.min(n))
        .collect();
    let now = Utc::now();
    let proposals: Vec<Proposal> = sample
        .iter()
        .map(|c| Proposal {
            id: format!("P-{}", c.id),
            filer: c.claim.creditor.party.clone(),
            court: Court::covl(),
            claim: c.claim.clone(),
            created_at: now,
        })
        .collect();
    let t = Instant::now();
    let rendered: Vec<Vec<u8>> = proposals
        .iter()
        .map(render_proposal)
        .collect::<Result<_, _>>()?;
    let per_render = t.elapsed().as_secs_f64() / rendered.len() as f64;
    let t = Instant::now();
    for x in &rendered {
        schema.validate(x)?;
    }
    let per_validate = t.elapsed().as_secs_f64() / rendered.len() as f64;
    let t = Instant::now();
    for x in &rendered {
        signer.sign_enveloped(x, now)?;
    }
    let per_sign = t.elapsed().as_secs_f64() / rendered.len() as f64;
    let peak = peak_rss_mib();

    let total = t_import + t_lint + t_file;
    println!("\nstage                      seconds    claims/s");
    for (name, s) in [
        ("import (parse + store)", t_import),
        ("lint", t_lint),
        ("file (render→package)", t_file),
        ("total", total),
    ] {
        println!("{name:<26} {s:>8.2} {:>11.0}", n as f64 / s);
    }
    println!(
        "\nper proposal (sample of {}): render {:.3} ms, validate {:.3} ms, sign {:.3} ms",
        rendered.len(),
        per_render * 1e3,
        per_validate * 1e3,
        per_sign * 1e3
    );
    println!("peak memory (VmHWM): {peak:.1} MiB");

    if let Some(rsa) = openssl_rsa2048_signs_per_sec() {
        println!(
            "\nopenssl speed rsa2048: {rsa:.0} signs/s on this machine; writ signs {:.0} proposals/s = {:.0} % of the RSA limit",
            1.0 / per_sign,
            100.0 / per_sign / rsa
        );
    }
    if args.xmlsec1_files > 0 {
        let k = d.join("key.pem");
        let c = d.join("cert.pem");
        std::fs::write(&k, demo.filer_key_pem()?)?;
        std::fs::write(&c, demo.filer_cert_pem()?)?;
        let m = args.xmlsec1_files.min(rendered.len());
        match xmlsec1_per_file(d, &rendered[..m], &k, &c) {
            Some(per) => println!(
                "xmlsec1 --sign once per file ({m} files): {:.2} ms/file = {:.0} files/s; writ's whole pipeline: {:.2} ms/claim, {:.1}x the xmlsec1 rate; writ's signing alone: {:.1}x",
                per * 1e3,
                1.0 / per,
                t_file / n as f64 * 1e3,
                per / (t_file / n as f64),
                per / per_sign
            ),
            None => println!("xmlsec1 not available: peer figure skipped"),
        }
    }
    if args.insolvency_debtors > 0 {
        bench_insolvency(args.insolvency_debtors);
    }
    args.run_tracker().await?;
    Ok(0)
}

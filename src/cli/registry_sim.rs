//! `writ registry-sim`: the insolvency registry simulator (docs/insolvency-sources.md §5) on
//! HTTP — the CIF daily lists, the published notices and the query service — for trying
//! `writ insolvency poll` and `writ insolvency query` by hand, and for training.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::law::ids::{CaseNumber, RegistrationNumber, TaxNumber};
use crate::tracker::insolvency::sim::{parse_sim_debtors, spawn_on};
use crate::tracker::insolvency::{
    DebtorKind, NoticeAddress, ProceedingsType, SimConfig, SimDebtor,
};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port and prints it).
    #[arg(long, default_value = "127.0.0.1:8444")]
    pub listen: SocketAddr,
    /// Seed for the synthetic debtors of --noise-per-day.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// The insolvent debtors (CSV: kind, name, tax_number, registration_number, emso,
    /// birth_date, street, post_code, city, proceedings_type, opening_date, publication_date,
    /// claim_deadline, court, case_number, administrator). Default: the demo's debtor,
    /// Kovinar Kranj d.o.o. (in fixtures/sample-batch.csv), in bankruptcy since 10 days ago.
    #[arg(long)]
    pub debtors: Option<PathBuf>,
    /// Synthetic legal persons opened per working day (on the lists and in the notices).
    #[arg(long, default_value_t = 0)]
    pub noise_per_day: u32,
    /// A working day whose daily list is not published (to try the missing-list alert);
    /// repeatable.
    #[arg(long, value_parser = super::date_arg)]
    pub skip: Vec<NaiveDate>,
    /// Last day anything is published (default: no limit).
    #[arg(long, value_parser = super::date_arg)]
    pub published_through: Option<NaiveDate>,
}

/// The demo's insolvent debtor: Kovinar Kranj d.o.o. of the sample batch, bankruptcy opened and
/// published `today - 10 days`.
pub fn demo_debtor(today: NaiveDate) -> anyhow::Result<SimDebtor> {
    let opened = today - chrono::Duration::days(10);
    Ok(SimDebtor {
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
    })
}

/// The simulator's configuration from the arguments.
pub fn config(args: &Args, today: NaiveDate) -> anyhow::Result<SimConfig> {
    let mut config = SimConfig::new(args.seed);
    config.insolvent = match &args.debtors {
        Some(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            parse_sim_debtors(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        None => vec![demo_debtor(today)?],
    };
    config.noise_per_day = args.noise_per_day;
    config.skipped_days = args.skip.iter().copied().collect::<BTreeSet<_>>();
    config.published_through = args.published_through;
    Ok(config)
}

pub async fn run(args: Args) -> anyhow::Result<i32> {
    let config = config(&args, super::today())?;
    for d in &args.skip {
        if !config.calendar.is_working_day(*d).unwrap_or(true) {
            eprintln!(
                "note: --skip {d} is not a working day: no daily list is published that day anyway"
            );
        }
    }
    let debtors = config.insolvent.len();
    let (addr, handle) = spawn_on(args.listen, config).await?;
    println!(
        "insolvency registry simulator listening on http://{addr} ({debtors} insolvent debtor(s), seed {}); try: writ insolvency poll --url http://{addr}",
        args.seed
    );
    super::court_sim::stop_signal().await?;
    handle.abort();
    Ok(0)
}

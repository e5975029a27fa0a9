//! `writ insolvency import|poll|check|confirm|claim-draft`: the insolvency watch (ZFPPIPP 122,
//! 122.a, 131). Lint and `writ file` check every debtor against what is stored here.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::Context;
use chrono::{Duration, NaiveDate, Utc};

use super::Ctx;
use crate::filing::insolvency_check;
use crate::law::{Calendar, DayCount};
use crate::store::alerts::{self, NewAlert, Severity};
use crate::store::{Db, claims, events, insolvency};
use crate::tracker::insolvency::{
    self as ins, EnforcementCaseRef, InsolvencySource, InterestCutoff, RegistryClient,
    parse_daily_list, parse_notices,
};

#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// Load downloaded daily lists (CSV or XML) or notices (CSV or NDJSON).
    Import { files: Vec<PathBuf> },
    /// Fetch the daily lists (working days) and notices from a registry endpoint.
    Poll {
        /// Base URL of the registry service (e.g. the registry simulator).
        #[arg(long, env = "WRIT__INSOLVENCY__URL")]
        url: String,
        /// First list date to fetch (default: the day after the last list stored, or 7 days ago).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Last list date to fetch (default: today).
        #[arg(long)]
        to: Option<NaiveDate>,
    },
    /// Check every unfiled claim's debtor against the stored lists and notices.
    Check,
    /// Record a person's decision on a candidate match (name + address + birth date).
    Confirm {
        claim_id: i64,
        /// The match's key as lint prints it (e.g. `notice:N-2026-0001`).
        record_key: String,
        /// The debtor IS the person in the notice: block filing.
        #[arg(long, conflicts_with = "no")]
        yes: bool,
        /// The debtor is NOT that person.
        #[arg(long)]
        no: bool,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The claim-filing draft for a claim whose debtor is in proceedings (ZFPPIPP 60, 297).
    ClaimDraft { claim_id: i64 },
}

/// Stores parsed lists and notices; returns (new lists, new notices).
async fn store_records(
    db: &Db,
    lists: &[ins::DailyList],
    notices: &[ins::Notice],
    source: &str,
) -> anyhow::Result<(usize, usize)> {
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let mut new_lists = 0;
    for l in lists {
        new_lists += usize::from(insolvency::add_daily_list(&mut tx, l, source, now).await?);
    }
    let mut new_notices = 0;
    let calendar = Calendar::slovenia();
    for n in notices {
        if insolvency::add_notice(&mut tx, n, source, now).await? {
            new_notices += 1;
            // Knowledge is deemed 8 days after publication (ZFPPIPP 122(4)).
            let today = super::today();
            let file_by = ins::claim_deadline(n, &calendar).ok().map(|d| d.file_by);
            if let Some(a) = ins::late_knowledge_alert(n, today, file_by) {
                alerts::raise(
                    &mut tx,
                    NewAlert {
                        at: now,
                        source: "insolvency",
                        severity: Severity::Warning,
                        message: a.message,
                    },
                )
                .await?;
            }
        }
    }
    events::append(
        &mut tx,
        events::NewEvent {
            at: now,
            actor: &events::current_actor(),
            entity: "insolvency",
            entity_id: source.to_string(),
            action: "received",
            detail: serde_json::json!({"daily_lists": new_lists, "notices": new_notices})
                .to_string(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((new_lists, new_notices))
}

/// Fetches daily lists from `from` to `to` (working days) and notices since `from` from any
/// [`InsolvencySource`] (the registry over HTTP, or a [`ins::MemorySource`]), stores them under
/// `label`; a missing working-day list is an alert (source health), never a quiet gap.
/// Returns (new lists, new notices, alert messages).
pub async fn poll<S: InsolvencySource + Sync>(
    db: &Db,
    source: &S,
    label: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<(usize, usize, Vec<String>)> {
    let calendar = Calendar::slovenia();
    let mut lists = Vec::new();
    let mut received = BTreeSet::new();
    let mut d = from;
    while d <= to {
        if calendar.is_working_day(d).unwrap_or(false)
            && let Some(list) = source
                .daily_list(d)
                .await
                .with_context(|| format!("the daily list of {d}"))?
        {
            received.insert(d);
            lists.push(list);
        }
        d += Duration::days(1);
    }
    let notices = source
        .notices_since(from)
        .await
        .with_context(|| format!("the notices published since {from}"))?;
    let (new_lists, new_notices) = store_records(db, &lists, &notices, label).await?;
    let start = from - Duration::days(1);
    let missing = ins::missing_daily_lists(&calendar, start, to, &received)?;
    let mut messages = Vec::new();
    if !missing.is_empty() {
        let now = Utc::now();
        let mut tx = db.begin().await?;
        for a in &missing {
            alerts::raise(
                &mut tx,
                NewAlert {
                    at: now,
                    source: "insolvency-daily-list",
                    severity: Severity::Error,
                    message: a.message.clone(),
                },
            )
            .await?;
            messages.push(a.message.clone());
        }
        tx.commit().await?;
    }
    Ok((new_lists, new_notices, messages))
}

/// The source label under which records from a registry URL are stored.
pub fn registry_label(client: &RegistryClient) -> String {
    format!("registry:{}", client.base_url())
}

/// Applies stored notices to open cases and prints what moved.
pub async fn apply_to_cases(db: &Db) -> anyhow::Result<()> {
    let (moved, skipped) = crate::tracker::insolvency_cases::apply_notices(db).await?;
    for m in &moved {
        let by = m
            .file_claim_by
            .map(|d| format!("; file the claim by {}", d.format("%d.%m.%Y")))
            .unwrap_or_default();
        println!(
            "  case {}: {} -> {} (notice {}){by}",
            m.case_id, m.from, m.to, m.notice_id
        );
    }
    for s in &skipped {
        println!("  NOT APPLIED {s}");
    }
    Ok(())
}

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    let db = ctx.db().await?;
    match args {
        Args::Import { files } => {
            let mut failed = false;
            for f in files {
                let bytes = std::fs::read(&f)
                    .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", f.display()))?;
                let source = format!("file:{}", f.display());
                let parsed = match parse_daily_list(&bytes) {
                    Ok(l) => Ok((vec![l], vec![])),
                    Err(list_err) => parse_notices(&bytes).map(|n| (vec![], n)).map_err(|n_err| {
                        format!("not a daily list ({list_err}) nor notices ({n_err})")
                    }),
                };
                match parsed {
                    Ok((lists, notices)) => {
                        let (l, n) = store_records(&db, &lists, &notices, &source).await?;
                        println!("{}: {l} new daily list(s), {n} new notice(s)", f.display());
                        apply_to_cases(&db).await?;
                    }
                    Err(e) => {
                        failed = true;
                        println!("REJECTED {}: {e}", f.display());
                    }
                }
            }
            Ok(i32::from(failed))
        }
        Args::Poll { url, from, to } => {
            let to = to.unwrap_or_else(super::today);
            let from = match from {
                Some(f) => f,
                None => insolvency::last_daily_list_date(&db)
                    .await?
                    .map(|d| d + Duration::days(1))
                    .unwrap_or(to - Duration::days(7)),
            };
            let client = RegistryClient::new(&url)?;
            let (l, n, missing) = poll(&db, &client, &registry_label(&client), from, to).await?;
            println!(
                "{l} new daily list(s), {n} new notice(s) from {url} ({} – {})",
                from.format("%d.%m.%Y"),
                to.format("%d.%m.%Y")
            );
            for m in &missing {
                println!("  ALERT {m}");
            }
            apply_to_cases(&db).await?;
            Ok(i32::from(!missing.is_empty()))
        }
        Args::Check => {
            let stored = claims::unfiled(&db).await?;
            let pairs: Vec<_> = stored.iter().map(|s| (s.id, &s.claim)).collect();
            let lists = insolvency::daily_lists(&db).await?;
            let notices: Vec<_> = insolvency::notices(&db)
                .await?
                .into_iter()
                .map(|(n, _)| n)
                .collect();
            let queries: Vec<_> = insolvency::latest_query_answers(&db)
                .await?
                .into_iter()
                .map(|q| q.record)
                .collect();
            let found = insolvency_check::check(
                &pairs,
                &lists,
                &notices,
                &queries,
                &insolvency::decisions(&db).await?,
            );
            println!(
                "{} unfiled claim(s) checked against {} daily list(s), {} notice(s) and {} query answer(s): {} with findings",
                stored.len(),
                lists.len(),
                notices.len(),
                queries.len(),
                found.len()
            );
            let mut ids: Vec<_> = found.keys().copied().collect();
            ids.sort();
            for id in ids {
                for f in &found[&id] {
                    println!(
                        "  claim {id}: {} {} {}: {}",
                        f.code.as_str(),
                        f.severity.as_str(),
                        f.value,
                        f.message
                    );
                }
            }
            Ok(0)
        }
        Args::Confirm {
            claim_id,
            record_key,
            yes,
            no,
            note,
        } => {
            anyhow::ensure!(
                yes || no,
                "say --yes (the debtor is the person in the notice) or --no"
            );
            let mut tx = db.begin().await?;
            let d = insolvency::Decision {
                claim_id,
                record_key: record_key.clone(),
                confirmed: yes,
                decided_by: events::current_actor(),
                note,
            };
            insolvency::decide(&mut tx, &d, Utc::now()).await?;
            events::append(
                &mut tx,
                events::NewEvent {
                    at: Utc::now(),
                    actor: &d.decided_by,
                    entity: "claim",
                    entity_id: claim_id.to_string(),
                    action: if yes {
                        "insolvency_confirmed"
                    } else {
                        "insolvency_rejected"
                    },
                    detail: serde_json::json!({"record": record_key}).to_string(),
                },
            )
            .await?;
            tx.commit().await?;
            println!(
                "claim {claim_id}: {record_key} {}",
                if yes {
                    "confirmed: filing is blocked"
                } else {
                    "rejected: not the same person"
                }
            );
            Ok(0)
        }
        Args::ClaimDraft { claim_id } => {
            let stored = claims::list(&db, None)
                .await?
                .into_iter()
                .find(|c| c.id == claim_id)
                .ok_or_else(|| anyhow::anyhow!("no claim {claim_id}"))?;
            let notices: Vec<_> = insolvency::notices(&db)
                .await?
                .into_iter()
                .map(|(n, _)| n)
                .collect();
            let pairs = [(stored.id, &stored.claim)];
            let found = insolvency_check::check(
                &pairs,
                &[],
                &notices,
                &[],
                &insolvency::decisions(&db).await?,
            );
            let key = found
                .get(&claim_id)
                .and_then(|f| f.iter().find(|f| f.severity == crate::filing::lint::Severity::Error))
                .map(|f| f.value.clone())
                .ok_or_else(|| anyhow::anyhow!("no notice of opened proceedings matches claim {claim_id}'s debtor (import or poll the notices first)"))?;
            let notice = notices
                .iter()
                .find(|n| format!("notice:{}", n.notice_id) == key)
                .ok_or_else(|| anyhow::anyhow!("notice {key} vanished"))?;
            let table = super::rates::table(ctx).await?;
            let draft = ins::claim_draft(
                &stored.claim,
                notice,
                &[EnforcementCaseRef {
                    court: "Okrajno sodišče v Ljubljani (COVL)".into(),
                    case_number: None,
                    note: None,
                }],
                &table,
                &DayCount::default(),
                InterestCutoff::default(),
                &Calendar::slovenia(),
            )?;
            println!("{}", draft.render_markdown());
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::law::ids::{CaseNumber, RegistrationNumber, TaxNumber};
    use crate::store::testing;
    use crate::tracker::insolvency::{
        DailyList, DailyListEntry, DebtorKind, MemorySource, NoticeAddress, ProceedingsType,
        SimDebtor,
    };

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Poll is generic over the source: the in-memory one stands in for the registry.
    #[tokio::test]
    async fn poll_reads_any_source_stores_once_and_alerts_on_missing_lists() {
        let tax = TaxNumber::parse("34567895").unwrap();
        let mut source = MemorySource::default();
        source.add_daily_list(DailyList {
            list_date: ymd(2026, 11, 3),
            sequence: 212,
            producer: "test".into(),
            entries: vec![DailyListEntry {
                tax_number: tax.clone(),
                start_date: ymd(2026, 11, 3),
                proceedings_type: ProceedingsType::Bankruptcy,
            }],
        });
        let notice = SimDebtor {
            kind: DebtorKind::LegalPerson,
            name: "Gradnje Horvat d.o.o.".into(),
            tax_number: tax,
            registration_number: Some(RegistrationNumber::parse("4567897000").unwrap()),
            emso: None,
            birth_date: None,
            address: NoticeAddress::default(),
            proceedings_type: ProceedingsType::Bankruptcy,
            opening_date: ymd(2026, 11, 3),
            publication_date: ymd(2026, 11, 3),
            claim_deadline: None,
            court: "Okrožno sodišče v Ljubljani".into(),
            case_number: CaseNumber::parse("St 77/2026").unwrap(),
            administrator: None,
        }
        .notice();
        source.notices.push(notice.clone());
        for t in testing::all().await {
            let db = &t.db;
            let be = db.backend();
            // Monday 2 – Wednesday 4 November 2026: only Tuesday's list exists.
            let (lists, notices, missing) =
                poll(db, &source, "memory", ymd(2026, 11, 2), ymd(2026, 11, 4))
                    .await
                    .unwrap();
            assert_eq!((lists, notices), (1, 1), "{be}");
            assert_eq!(missing.len(), 2, "{be}: {missing:?}");
            assert!(missing[0].contains("02.11.2026"), "{missing:?}");
            assert!(missing[1].contains("04.11.2026"), "{missing:?}");
            assert_eq!(
                insolvency::daily_lists(db).await.unwrap()[0].list_date,
                ymd(2026, 11, 3)
            );
            assert_eq!(insolvency::notices(db).await.unwrap()[0].0, notice, "{be}");
            let open = alerts::list(db, false).await.unwrap();
            let sources = |s: &str| open.iter().filter(|a| a.source == s).count();
            assert_eq!(sources("insolvency-daily-list"), 2, "{be}: {open:?}");
            // Seen long after 03.11.2026 + 8 days: knowledge was deemed earlier (ZFPPIPP 122(4)).
            assert_eq!(sources("insolvency"), 1, "{be}: {open:?}");
            // Polled again: nothing new is stored twice.
            let (lists, notices, _) =
                poll(db, &source, "memory", ymd(2026, 11, 3), ymd(2026, 11, 3))
                    .await
                    .unwrap();
            assert_eq!((lists, notices), (0, 0), "{be}");
        }
    }
}

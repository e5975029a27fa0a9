//! `writ insolvency import|poll|query|check|confirm|claim-draft`: the insolvency watch (ZFPPIPP
//! 122, 122.a, 131). Lint and `writ file` check every debtor against what is stored here: the
//! daily lists, the notices, and the latest CIF query-service answer per tax number or EMŠO.

use std::path::PathBuf;

use anyhow::Context;
use chrono::{NaiveDate, Utc};

use super::Ctx;
use crate::filing::insolvency_check;
use crate::law::ids::{Emso, TaxNumber};
use crate::law::{Calendar, DayCount};
use crate::store::alerts;
use crate::store::{Db, claims, events, insolvency};
use crate::tracker::insolvency::{
    self as ins, DebtorIndex, DebtorRecord, EnforcementCaseRef, InsolvencySource, InterestCutoff,
    QueryAnswer, QueryId, QueryRecord, RegistryClient, parse_daily_list, parse_notices,
};
use crate::tracker::insolvency_poll::{poll, store_records, window};

#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// Load downloaded daily lists (CSV or XML) or notices (CSV or NDJSON).
    Import { files: Vec<PathBuf> },
    /// Fetch the daily lists (working days) and notices from a registry endpoint.
    Poll {
        /// Base URL of the registry service (e.g. the registry simulator).
        #[arg(long, env = "WRIT__INSOLVENCY__URL")]
        url: String,
        /// First list date to fetch (default: the last week, or from the day after the last
        /// list stored when that is longer ago).
        #[arg(long, value_parser = super::date_arg)]
        from: Option<NaiveDate>,
        /// Last list date to fetch (default: today).
        #[arg(long, value_parser = super::date_arg)]
        to: Option<NaiveDate>,
    },
    /// Ask the CIF query service whether a person is in insolvency proceedings (ZFPPIPP
    /// 122(3): yes or no, by tax number or by EMŠO, never both) and store the answer: a yes
    /// blocks filing against debtors with that identifier (no case number is known); a later
    /// no lifts it.
    #[command(group(clap::ArgGroup::new("identifier").required(true).multiple(false)))]
    Query {
        /// Base URL of the registry service (e.g. the registry simulator).
        #[arg(long, env = "WRIT__INSOLVENCY__URL")]
        url: String,
        /// Davčna številka to ask about.
        #[arg(long, group = "identifier", value_name = "N")]
        tax: Option<String>,
        /// EMŠO to ask about.
        #[arg(long, group = "identifier", value_name = "E")]
        emso: Option<String>,
        /// The claim the question is for (its debtor must carry the identifier).
        #[arg(long, value_name = "ID")]
        claim: Option<i64>,
    },
    /// Check every unfiled claim's debtor against the stored lists, notices and query answers.
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

/// The enforcement case the claim's proposal became, with its VL number and state (ZFPPIPP 60
/// and 297 ask for the pending proceedings); none for a claim never filed.
async fn pending_cases(db: &Db, claim_id: i64) -> anyhow::Result<Vec<EnforcementCaseRef>> {
    let mut out = Vec::new();
    for case in crate::store::cases::for_claim(db, claim_id).await? {
        out.push(EnforcementCaseRef {
            court: "Okrajno sodišče v Ljubljani (COVL)".into(),
            case_number: case
                .case_number
                .as_deref()
                .and_then(|n| crate::law::ids::CaseNumber::parse(n).ok()),
            note: Some(match &case.fee_amount {
                Some(fee) => format!("{}; court fee {fee} EUR", case.state),
                None => case.state.to_string(),
            }),
        });
    }
    Ok(out)
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

/// The identifier of `writ insolvency query`, checked; the error names the flag and the value.
pub fn query_id(tax: Option<&str>, emso: Option<&str>) -> anyhow::Result<QueryId> {
    match (tax, emso) {
        (Some(t), None) => TaxNumber::parse(t)
            .map(QueryId::TaxNumber)
            .map_err(|e| anyhow::anyhow!("--tax {t:?} is not a valid tax number: {e}")),
        (None, Some(e)) => Emso::parse(e)
            .map(QueryId::Emso)
            .map_err(|err| anyhow::anyhow!("--emso {e:?} is not a valid EMŠO: {err}")),
        _ => anyhow::bail!(
            "ask by --tax or by --emso, one of them (the query service takes one identifier, ZFPPIPP 122.a)"
        ),
    }
}

/// Unfiled claims whose debtor carries `id` (what a yes blocks): (claim id, debtor name).
fn claims_with(stored: &[claims::StoredClaim], id: &QueryId, on: NaiveDate) -> Vec<(i64, String)> {
    let index = DebtorIndex::build(stored.iter().map(|s| DebtorRecord {
        debtor_ref: s.id.to_string(),
        party: s.claim.debtor.party.clone(),
    }));
    let mut out: Vec<(i64, String)> = index
        .match_query(id, QueryAnswer::InProceedings, on)
        .into_iter()
        .filter_map(|m| m.debtor_ref.parse::<i64>().ok())
        .filter_map(|cid| {
            stored
                .iter()
                .find(|s| s.id == cid)
                .map(|s| (cid, s.claim.debtor.party.display_name()))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `writ insolvency query`: ask, store, explain.
async fn query(
    ctx: &Ctx,
    db: &Db,
    url: &str,
    tax: Option<&str>,
    emso: Option<&str>,
    claim: Option<i64>,
) -> anyhow::Result<i32> {
    // Everything that can be refused is refused before the (fee-bearing, 122.a) question.
    let id = query_id(tax, emso)?;
    let client = RegistryClient::new(url)?;
    if let Some(claim_id) = claim {
        let stored = claims::get(db, claim_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("--claim {claim_id}: there is no claim {claim_id}"))?;
        if claims_with(std::slice::from_ref(&stored), &id, super::today()).is_empty() {
            anyhow::bail!(
                "--claim {claim_id}: the debtor of claim {claim_id} ({}) does not have {id}; ask with the debtor's own identifier, or leave out --claim",
                stored.claim.debtor.party.display_name()
            );
        }
    }
    let answer = client
        .query(&id)
        .await
        .with_context(|| format!("cannot ask the query service about {id}"))?;
    let asked_on = super::today();
    let record = QueryRecord {
        id: id.clone(),
        answer,
        asked_on,
        source: client.base_url().to_string(),
    };
    let previous = insolvency::query_history(db, &id).await?.pop();
    let actor = events::current_actor();
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let row = insolvency::add_query_answer(
        &mut tx,
        &insolvency::NewQueryAnswer {
            record: &record,
            asked_by: &actor,
            claim_id: claim,
        },
        now,
    )
    .await?;
    events::append(
        &mut tx,
        events::NewEvent {
            at: now,
            actor: &actor,
            entity: "insolvency_query",
            entity_id: format!("{}:{}", id.kind_code(), id.value()),
            action: "answered",
            detail: serde_json::json!({
                "answer": answer.code(),
                "asked_on": asked_on.to_string(),
                "source": record.source,
                "claim_id": claim,
                "row": row,
                "supersedes": previous.as_ref().map(|p| serde_json::json!({
                    "row": p.id,
                    "answer": p.record.answer.code(),
                    "asked_on": p.record.asked_on.to_string(),
                })),
            })
            .to_string(),
        },
    )
    .await?;
    tx.commit().await?;

    let affected = claims_with(&claims::unfiled(db).await?, &id, asked_on);
    if ctx.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "identifier": {"kind": id.kind_code(), "value": id.value()},
                "answer": answer.code(),
                "in_proceedings": answer == QueryAnswer::InProceedings,
                "asked_on": asked_on.to_string(),
                "source": record.source,
                "stored_as": row,
                "supersedes": previous.as_ref().map(|p| serde_json::json!({
                    "answer": p.record.answer.code(),
                    "asked_on": p.record.asked_on.to_string(),
                })),
                "unfiled_claims": affected.iter().map(|(c, _)| c).collect::<Vec<_>>(),
            }))?
        );
        return Ok(0);
    }
    let words = match answer {
        QueryAnswer::InProceedings => "insolvency proceedings are pending",
        QueryAnswer::NotInProceedings => "no insolvency proceedings",
    };
    println!("{id}: {words} (CIF query service, {asked_on})");
    if let Some(p) = &previous
        && p.record.answer != answer
    {
        let before = match p.record.answer {
            QueryAnswer::InProceedings => "proceedings pending",
            QueryAnswer::NotInProceedings => "no proceedings",
        };
        println!(
            "  this answer replaces the one of {} ({before}): the latest answer counts",
            p.record.asked_on
        );
    }
    match answer {
        QueryAnswer::InProceedings => {
            println!(
                "  the service gives no case number or court (ZFPPIPP 122(3)); poll the notices for the case and the claim-filing deadline"
            );
            if affected.is_empty() {
                println!(
                    "  no unfiled claim has a debtor with this {}; any claim against it will be blocked (L180)",
                    id_words(&id)
                );
            }
            for (c, name) in &affected {
                println!(
                    "  claim {c} ({name}): filing blocked (L180, ZFPPIPP 131) by lint and before signing"
                );
            }
        }
        QueryAnswer::NotInProceedings => {
            for (c, name) in &affected {
                println!(
                    "  claim {c} ({name}): this answer blocks nothing; a daily list or notice may still block it (writ insolvency check)"
                );
            }
        }
    }
    Ok(0)
}

fn id_words(id: &QueryId) -> &'static str {
    match id {
        QueryId::TaxNumber(_) => "tax number",
        QueryId::Emso(_) => "EMŠO",
    }
}

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    let db = ctx.db().await?;
    match args {
        Args::Query {
            url,
            tax,
            emso,
            claim,
        } => query(ctx, &db, &url, tax.as_deref(), emso.as_deref(), claim).await,
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
            let (from, to) = window(&db, super::today(), from, to).await?;
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
            let (lists, notices, queries) = insolvency::sources(&db).await?;
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
            let debtor_of = |id: i64| {
                stored
                    .iter()
                    .find(|s| s.id == id)
                    .map(|s| s.claim.debtor.party.display_name())
                    .unwrap_or_default()
            };
            for id in ids {
                let debtor = debtor_of(id);
                for f in &found[&id] {
                    println!(
                        "  claim {id} ({debtor}): {} {} {}: {}",
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
            let stored = claims::get(&db, claim_id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("there is no claim {claim_id}"))?;
            // Only a candidate this claim really has can be decided: a mistyped key must not
            // read as "filing is blocked" while nothing is.
            let (lists, notices, queries) = insolvency::sources(&db).await?;
            let found = insolvency_check::check(
                &[(claim_id, &stored.claim)],
                &lists,
                &notices,
                &queries,
                &[],
            );
            let findings = found.get(&claim_id).cloned().unwrap_or_default();
            let candidates: Vec<&str> = findings
                .iter()
                .filter(|f| f.code == crate::filing::lint::Code::InsolvencyCandidate)
                .map(|f| f.value.as_str())
                .collect();
            if !candidates.contains(&record_key.as_str()) {
                if findings.iter().any(|f| f.value == record_key) {
                    anyhow::bail!(
                        "claim {claim_id}: {record_key} matches the debtor on an identifier: it acts already, nothing to confirm"
                    );
                }
                anyhow::bail!(
                    "claim {claim_id} has no insolvency candidate {record_key:?}; {}",
                    if candidates.is_empty() {
                        "it has none (writ insolvency check lists them)".to_string()
                    } else {
                        format!("its candidates: {}", candidates.join(", "))
                    }
                );
            }
            let earlier = insolvency::decisions(&db)
                .await?
                .into_iter()
                .find(|d| d.claim_id == claim_id && d.record_key == record_key);
            let mut tx = db.begin().await?;
            let d = insolvency::Decision {
                claim_id,
                record_key: record_key.clone(),
                confirmed: yes,
                decided_by: events::current_actor(),
                note,
            };
            insolvency::decide(&mut tx, &d, Utc::now()).await?;
            // The alert that asked for this decision is answered.
            alerts::acknowledge_matching(
                &mut tx,
                "insolvency",
                &insolvency_check::confirm_command(claim_id, &record_key),
                Utc::now(),
            )
            .await?;
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
                    detail: serde_json::json!({
                        "record": record_key,
                        "replaces": earlier.as_ref().map(|e| if e.confirmed { "confirmed" } else { "rejected" }),
                    })
                    .to_string(),
                },
            )
            .await?;
            tx.commit().await?;
            let unfiled = matches!(
                stored.status,
                claims::ClaimStatus::Imported
                    | claims::ClaimStatus::Ready
                    | claims::ClaimStatus::Blocked
            );
            println!(
                "claim {claim_id}: {record_key} {}",
                match (yes, unfiled) {
                    (true, true) =>
                        "confirmed: the debtor is the person in the notice; filing is blocked",
                    (true, false) =>
                        "confirmed: the debtor is the person in the notice; the claim's open case follows the notice",
                    (false, _) => "rejected: not the same person",
                }
            );
            if let Some(e) = &earlier
                && e.confirmed != yes
            {
                println!(
                    "  this replaces the decision of {} ({}); a case already moved by it keeps its history: check `writ cases show` for the claim's case",
                    e.decided_by,
                    if e.confirmed { "confirmed" } else { "rejected" }
                );
            }
            if yes {
                apply_to_cases(&db).await?;
            }
            Ok(0)
        }
        Args::ClaimDraft { claim_id } => {
            let stored = claims::get(&db, claim_id)
                .await?
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
                .find(|n| insolvency_check::notice_key(n) == key)
                .ok_or_else(|| anyhow::anyhow!("notice {key} vanished"))?;
            let table = super::rates::table(ctx).await?;
            let draft = ins::claim_draft(
                &stored.claim,
                notice,
                &pending_cases(&db, claim_id).await?,
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
            // The same gaps polled again: the missing lists are still missing, but the open
            // alerts are not raised twice.
            let (_, _, missing) = poll(db, &source, "memory", ymd(2026, 11, 2), ymd(2026, 11, 4))
                .await
                .unwrap();
            assert_eq!(missing.len(), 2, "{be}");
            let open = alerts::list(db, false).await.unwrap();
            assert_eq!(
                open.iter()
                    .filter(|a| a.source == "insolvency-daily-list")
                    .count(),
                2,
                "{be}: {open:?}"
            );
        }
    }

    /// A notice published on the day of the last poll, after it, is fetched by the next one
    /// (the notice window overlaps the previous poll).
    #[tokio::test]
    async fn a_notice_published_after_the_last_poll_on_the_same_day_is_not_missed() {
        let mut source = MemorySource::default();
        for t in testing::all().await {
            let db = &t.db;
            // Poll of Thursday 5 November: nothing published yet.
            let (_, n, _) = poll(db, &source, "memory", ymd(2026, 11, 5), ymd(2026, 11, 5))
                .await
                .unwrap();
            assert_eq!(n, 0);
            // Later that day a notice is published; the next poll starts the day after.
            let notice = SimDebtor {
                kind: DebtorKind::LegalPerson,
                name: "Gradnje Horvat d.o.o.".into(),
                tax_number: TaxNumber::parse("34567895").unwrap(),
                registration_number: None,
                emso: None,
                birth_date: None,
                address: NoticeAddress::default(),
                proceedings_type: ProceedingsType::CompulsorySettlement,
                opening_date: ymd(2026, 11, 5),
                publication_date: ymd(2026, 11, 5),
                claim_deadline: None,
                court: "Okrožno sodišče v Ljubljani".into(),
                case_number: CaseNumber::parse("St 78/2026").unwrap(),
                administrator: None,
            }
            .notice();
            source.notices = vec![notice];
            let (_, n, _) = poll(db, &source, "memory", ymd(2026, 11, 6), ymd(2026, 11, 6))
                .await
                .unwrap();
            assert_eq!(n, 1, "{}", db.backend());
            source.notices.clear();
        }
    }

    #[test]
    fn a_bad_identifier_names_the_flag_and_the_value() {
        let e = query_id(Some("12345678"), None).unwrap_err().to_string();
        assert_eq!(
            e,
            "--tax \"12345678\" is not a valid tax number: tax number 12345678: check digit should be 9, found 8"
        );
        let e = query_id(None, Some("0101006500007"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "--emso \"0101006500007\" is not a valid EMŠO: EMŠO 0101006500007: check digit"
            ),
            "{e}"
        );
        assert_eq!(
            query_id(None, Some("0101006500006")).unwrap(),
            QueryId::Emso(Emso::parse("0101006500006").unwrap())
        );
        assert!(query_id(None, None).is_err());
    }

    /// A registry whose answer holds one notice writ cannot read, beside a good one.
    struct OneBadNotice(MemorySource);

    impl InsolvencySource for OneBadNotice {
        async fn daily_list(
            &self,
            date: NaiveDate,
        ) -> Result<Option<ins::DailyList>, ins::SourceError> {
            self.0.daily_list(date).await
        }
        async fn notices_since(
            &self,
            since: NaiveDate,
        ) -> Result<ins::NoticeBatch, ins::SourceError> {
            let mut b = self.0.notices_since(since).await?;
            b.refused.push(ins::ParseError {
                line: 2,
                field: "case_number".into(),
                value: "St x/2026".into(),
                reason: "not a case number".into(),
            });
            Ok(b)
        }
        async fn query(&self, id: &ins::QueryId) -> Result<ins::QueryAnswer, ins::SourceError> {
            self.0.query(id).await
        }
    }

    #[tokio::test]
    async fn an_unreadable_notice_is_an_alert_and_the_others_are_taken() {
        let mut inner = MemorySource::default();
        inner.notices.push(
            SimDebtor {
                kind: DebtorKind::LegalPerson,
                name: "Gradnje Horvat d.o.o.".into(),
                tax_number: TaxNumber::parse("34567895").unwrap(),
                registration_number: None,
                emso: None,
                birth_date: None,
                address: NoticeAddress::default(),
                proceedings_type: ProceedingsType::Bankruptcy,
                opening_date: ymd(2026, 11, 5),
                publication_date: ymd(2026, 11, 5),
                claim_deadline: None,
                court: "Okrožno sodišče v Ljubljani".into(),
                case_number: CaseNumber::parse("St 79/2026").unwrap(),
                administrator: None,
            }
            .notice(),
        );
        let source = OneBadNotice(inner);
        for t in testing::all().await {
            let db = &t.db;
            for _ in 0..2 {
                let (_, _, messages) = poll(
                    db,
                    &source,
                    "registry:x",
                    ymd(2026, 11, 6),
                    ymd(2026, 11, 6),
                )
                .await
                .unwrap();
                assert!(
                    messages.iter().any(|m| m.contains(
                        "could not be read and is not applied: line 2, field case_number, value \"St x/2026\""
                    )),
                    "{messages:?}"
                );
            }
            assert_eq!(
                insolvency::notices(db).await.unwrap().len(),
                1,
                "{}",
                db.backend()
            );
            let open = alerts::list(db, false).await.unwrap();
            assert_eq!(
                open.iter()
                    .filter(|a| a.message.contains("could not be read"))
                    .count(),
                1,
                "raised once while open: {open:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_list_that_arrives_late_closes_its_alert_and_a_changed_notice_is_an_alert() {
        let mut source = MemorySource::default();
        let list = |d: NaiveDate| DailyList {
            list_date: d,
            sequence: 1,
            producer: "test".into(),
            entries: vec![],
        };
        for t in testing::all().await {
            let db = &t.db;
            // Thursday 5 November: no list yet — an alert.
            let (_, _, missing) = poll(db, &source, "memory", ymd(2026, 11, 5), ymd(2026, 11, 5))
                .await
                .unwrap();
            assert_eq!(missing.len(), 1);
            source.add_daily_list(list(ymd(2026, 11, 5)));
            let (lists, _, missing) =
                poll(db, &source, "memory", ymd(2026, 11, 5), ymd(2026, 11, 5))
                    .await
                    .unwrap();
            assert_eq!((lists, missing.len()), (1, 0));
            let open = alerts::list(db, false).await.unwrap();
            assert!(
                !open.iter().any(|a| a.source == "insolvency-daily-list"),
                "the list arrived: {open:?}"
            );

            // The same notice id with other content: the stored one stays, a person is told.
            let notice = |court: &str| {
                let mut n = SimDebtor {
                    kind: DebtorKind::LegalPerson,
                    name: "Gradnje Horvat d.o.o.".into(),
                    tax_number: TaxNumber::parse("34567895").unwrap(),
                    registration_number: None,
                    emso: None,
                    birth_date: None,
                    address: NoticeAddress::default(),
                    proceedings_type: ProceedingsType::Bankruptcy,
                    opening_date: ymd(2026, 11, 5),
                    publication_date: ymd(2026, 11, 5),
                    claim_deadline: None,
                    court: court.into(),
                    case_number: CaseNumber::parse("St 100/2026").unwrap(),
                    administrator: None,
                }
                .notice();
                n.notice_id = "N-100".into();
                n
            };
            let first = notice("Okrožno sodišče v Ljubljani");
            store_records(db, &[], std::slice::from_ref(&first), "a")
                .await
                .unwrap();
            let (_, new) = store_records(db, &[], &[notice("Okrožno sodišče v Kopru")], "b")
                .await
                .unwrap();
            assert_eq!(new, 0);
            assert_eq!(insolvency::notices(db).await.unwrap()[0].0, first);
            let open = alerts::list(db, false).await.unwrap();
            assert!(
                open.iter().any(|a| a
                    .message
                    .starts_with("Notice N-100 came again from b with different content")
                    && a.message.contains("Okrožno sodišče v Kopru")),
                "{open:?}"
            );
            source.daily_lists.clear();
        }
    }
}

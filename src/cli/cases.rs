//! `writ cases list [--state S] [--due-before DATE]` and `writ cases show ID`: the tracked cases
//! (claim, debtor, VL number, state, next deadline) and one case's history with its source
//! documents and open deadlines.

use chrono::NaiveDate;

use super::Ctx;
use crate::store::cases;

#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// Every case with its state and next deadline.
    List {
        /// Only cases in this state (as printed, e.g. "order issued").
        #[arg(long)]
        state: Option<String>,
        /// Only cases with an open deadline before this date (YYYY-MM-DD).
        #[arg(long, value_parser = super::date_arg)]
        due_before: Option<NaiveDate>,
    },
    /// One case: its transitions (with the source document) and open deadlines.
    Show { id: i64 },
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        s.chars().take(n - 1).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

/// Prints the case table.
pub fn print_table(rows: &[cases::CaseListRow]) {
    println!(
        "{:<4} {:<14} {:<30} {:<14} {:<14} next deadline",
        "case", "claim", "debtor", "VL number", "state"
    );
    for r in rows {
        println!(
            "{:<4} {:<14} {:<30} {:<14} {:<14} {}",
            r.id,
            r.claim_ref.as_deref().unwrap_or("-"),
            cut(&r.debtor, 30),
            r.case_number.as_deref().unwrap_or("-"),
            r.state,
            match (&r.next_deadline, &r.next_deadline_what) {
                (Some(d), Some(w)) => format!("{d} {}", cut(w, 60)),
                (Some(d), None) => d.to_string(),
                _ => "-".into(),
            }
        );
    }
}

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    let db = ctx.db().await?;
    match args {
        Args::List { state, due_before } => {
            let state = state.map(|s| s.trim().to_lowercase());
            if let Some(s) = &state {
                let known = known_states();
                anyhow::ensure!(
                    known.contains(s) || s.starts_with("stayed ("),
                    "--state {s:?} is not a case state; one of: {}",
                    known.join(", ")
                );
            }
            let rows = cases::list(&db, state.as_deref(), due_before, super::today()).await?;
            if ctx.json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else if rows.is_empty() {
                println!("no cases");
            } else {
                print_table(&rows);
            }
            Ok(0)
        }
        Args::Show { id } => {
            let Some(case) = cases::get(&db, id).await? else {
                eprintln!("no case {id}");
                return Ok(1);
            };
            let history = cases::transitions(&db, id).await?;
            let open = cases::deadlines(&db, id, false).await?;
            if ctx.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "case": case, "transitions": history, "open_deadlines": open
                    }))?
                );
                return Ok(0);
            }
            println!(
                "case {} — claim {}, proposal {}, {} — {}",
                case.id,
                case.claim_id,
                case.proposal_id,
                case.case_number.as_deref().unwrap_or("no VL number"),
                case.state
            );
            if let (Some(r), Some(a)) = (&case.fee_reference, &case.fee_amount) {
                println!(
                    "  court fee {a} EUR, reference {r}, due {}",
                    case.fee_due_date.map(|d| d.to_string()).unwrap_or_default()
                );
            }
            println!("history:");
            for t in &history {
                let source = match (&t.document, &t.source_ref) {
                    (Some(d), _) => format!("court document {d}"),
                    (None, Some(r)) => format!("{} {r}", t.source_kind),
                    (None, None) => t.source_kind.clone(),
                };
                println!(
                    "  {}  {} -> {}  [{}]  ({source})\n      {}",
                    t.at.format("%Y-%m-%d %H:%M"),
                    t.from_state.as_deref().unwrap_or("-"),
                    t.to_state,
                    t.event,
                    t.reason
                );
            }
            println!("open deadlines:");
            if open.is_empty() {
                println!("  none");
            }
            for d in &open {
                println!(
                    "  {} {} ({}): {} [{}]",
                    d.due, d.rule, d.who, d.what, d.citation
                );
            }
            Ok(0)
        }
    }
}

/// The states `--state` accepts, as `writ cases list` prints them; `stayed` matches every stay
/// ("stayed (was order issued)", …).
fn known_states() -> Vec<String> {
    use crate::tracker::case_state::CaseState;
    CaseState::examples()
        .iter()
        .map(|s| match s {
            CaseState::Stayed { .. } => "stayed".to_string(),
            s => s.to_string(),
        })
        .collect()
}

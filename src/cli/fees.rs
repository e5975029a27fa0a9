//! `writ fees pay REF AMOUNT [--on DATE]`: records a court fee payment made with the reference
//! the court gave (table `fee_payments`); when it covers the fee of the case with that
//! reference, the case moves to `fee paid` (ZIZ 29.b). With `--court-url` (the court
//! simulator) the simulated court's bank account is told too; a real court learns of the
//! payment from its bank.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Ctx;
use super::file::CourtArgs;
use crate::store::cases::{self, Source};
use crate::tracker::case_state::{self, CaseEvent};

#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// Record a fee payment.
    Pay(PayArgs),
}

#[derive(Debug, clap::Args)]
pub struct PayArgs {
    /// The payment reference the court gave (SI12 …).
    pub reference: String,
    /// Amount in EUR, e.g. 44.00.
    pub amount: String,
    /// Payment date (default: today).
    #[arg(long, value_parser = super::date_arg)]
    pub on: Option<NaiveDate>,
    #[command(flatten)]
    pub court: CourtArgs,
}

/// What recording a payment did.
#[derive(Debug, serde::Serialize)]
pub struct Paid {
    pub payment_id: i64,
    pub case_id: Option<i64>,
    pub case_number: Option<String>,
    pub state: Option<String>,
    pub note: String,
}

/// A fee reference as people write it on a payment form (`SI12 2026 0000 0010`), compact and
/// upper case.
pub fn normalize_reference(reference: &str) -> String {
    reference
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase()
}

/// The case's `fee paid` transition, or why the case does not await its fee (already paid,
/// withdrawn, rejected, …): then nothing is recorded or sent.
fn fee_paid(c: &cases::CaseRow, on: NaiveDate) -> anyhow::Result<case_state::Transition> {
    case_state::apply(&c.state, &CaseEvent::FeePaid { on }).map_err(|e| {
        anyhow::anyhow!(
            "case {} ({}) does not await its court fee: {e}. Nothing recorded or sent; if the money was paid, ask the court for a refund.",
            c.case_number.as_deref().unwrap_or("without VL number"),
            c.state
        )
    })
}

/// Records the payment and, when the payments with this reference together cover the fee, the
/// case's `fee paid` transition. A payment for a case that no longer awaits its fee (already
/// paid, withdrawn, rejected, …) is refused and nothing is recorded: the money is a refund
/// matter for the court, not a fee.
pub async fn record_payment(
    db: &crate::store::Db,
    reference: &str,
    amount: Decimal,
    on: NaiveDate,
) -> anyhow::Result<Paid> {
    let now = chrono::Utc::now();
    let reference = normalize_reference(reference);
    let reference = reference.as_str();
    let mut tx = db.begin().await?;
    let case = cases::lock_by_fee_reference(&mut tx, reference).await?;
    let transition = case.as_ref().map(|c| fee_paid(c, on)).transpose()?;
    let id = cases::insert_fee_payment(
        &mut tx,
        reference,
        &format!("{:.2}", amount.round_dp(2)),
        on,
        case.as_ref().map(|c| c.id),
        now,
    )
    .await?;
    let mut out = Paid {
        payment_id: id,
        case_id: case.as_ref().map(|c| c.id),
        case_number: case.as_ref().and_then(|c| c.case_number.clone()),
        state: case.as_ref().map(|c| c.state.to_string()),
        note: String::new(),
    };
    match (&case, transition) {
        (Some(c), Some(t)) => {
            let fee = c
                .fee_amount
                .as_deref()
                .and_then(|f| Decimal::from_str(f).ok())
                .unwrap_or(Decimal::ZERO);
            let paid: Decimal = cases::fee_payment_amounts(&mut tx, reference)
                .await?
                .iter()
                .filter_map(|a| Decimal::from_str(a).ok())
                .sum();
            if paid < fee {
                out.note = format!(
                    "paid {paid} of the fee of {fee} with this reference; {} still due; the case is unchanged",
                    fee - paid
                );
            } else {
                cases::record_transition(&mut tx, c.id, &t, Source::FeePayment(id), &[], now)
                    .await?;
                out.state = Some(t.to.to_string());
                out.note = t.reason;
                if paid > fee {
                    out.note.push_str(&format!(
                        "; {} more than the fee was paid: ask the court for a refund",
                        paid - fee
                    ));
                }
            }
            if let Some(due) = c.fee_due_date.filter(|d| on > *d) {
                out.note.push_str(&format!(
                    "; paid after the fee deadline {due}: the court may already have ordered payment (ZIZ 29.b)"
                ));
            }
        }
        _ => {
            out.note =
                format!("no case has the fee reference {reference}; payment recorded unmatched")
        }
    }
    tx.commit().await?;
    Ok(out)
}

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    let Args::Pay(a) = args;
    let amount = Decimal::from_str(a.amount.trim())
        .map_err(|_| anyhow::anyhow!("'{}' is not an amount (e.g. 44.00)", a.amount))?;
    if amount <= Decimal::ZERO {
        anyhow::bail!("the amount must be positive");
    }
    let today = super::today();
    let on = a.on.unwrap_or(today);
    anyhow::ensure!(
        on <= today,
        "--on {on} is after today ({today}): record a payment once it is made"
    );
    let reference = normalize_reference(&a.reference);
    let db = ctx.db().await?;
    // The court's account first (the simulator): when it cannot be told, nothing is recorded,
    // so running the command again does not record the payment twice.
    let mut sim = None;
    if a.court.court_url.is_some() {
        if let Some(c) = cases::by_fee_reference(&db, &reference).await? {
            fee_paid(&c, on)?;
        }
        let client = crate::court::client::CourtClient::new(a.court.client_config(ctx)?)?;
        sim = Some(
            client
                .sim_fee_payment(&reference, &format!("{:.2}", amount.round_dp(2)), on)
                .await
                .map_err(|e| anyhow::anyhow!("{e}; nothing recorded"))?,
        );
    }
    let paid = record_payment(&db, &reference, amount, on).await?;
    if ctx.json {
        println!(
            "{}",
            serde_json::json!({ "payment": paid, "simulator": sim })
        );
    } else {
        println!(
            "payment {} of {amount} EUR on {on} with reference {}: {}",
            paid.payment_id,
            reference,
            match (&paid.case_number, &paid.state) {
                (Some(n), Some(s)) => format!("case {n} is {s}"),
                _ => "no case".into(),
            }
        );
        println!("  {}", paid.note);
        if let Some(s) = sim {
            println!("  court simulator: {s}");
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    #[tokio::test]
    async fn payments_add_up_refuse_a_settled_fee_and_say_when_late() {
        for t in testing::all().await {
            let db = &t.db;
            crate::store::cases::tests::seed(db).await;
            let mut tx = db.begin().await.unwrap();
            cases::create_from_receipt(
                &mut tx,
                &crate::store::cases::tests::receipt(),
                chrono::Utc::now(),
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
            // Written as on a payment form: spaces, lower case.
            let p = record_payment(db, "si12 2026 0000 0013", Decimal::new(4000, 2), day(4))
                .await
                .unwrap();
            assert_eq!(p.case_number.as_deref(), Some("VL 1/2026"));
            assert_eq!(p.state.as_deref(), Some("submitted"), "{}", p.note);
            assert!(
                p.note
                    .contains("paid 40.00 of the fee of 44.00 with this reference; 4.00 still due"),
                "{}",
                p.note
            );
            // The rest, a day after the fee deadline of 11 December.
            let p = record_payment(db, "SI12202600000013", Decimal::new(400, 2), day(12))
                .await
                .unwrap();
            assert_eq!(p.state.as_deref(), Some("fee paid"), "{}", p.note);
            assert!(
                p.note.contains("after the fee deadline 2026-12-11"),
                "{}",
                p.note
            );
            // Paid again: refused, nothing recorded.
            let e = record_payment(db, "SI12202600000013", Decimal::new(4400, 2), day(12))
                .await
                .unwrap_err();
            assert!(
                e.to_string().contains("does not await its court fee"),
                "{e}"
            );
            let mut tx = db.begin().await.unwrap();
            assert_eq!(
                cases::fee_payment_amounts(&mut tx, "SI12202600000013")
                    .await
                    .unwrap(),
                ["40.00", "4.00"],
                "{}",
                db.backend()
            );
        }
    }
}

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

/// Records the payment and, when it covers the fee, the case's `fee paid` transition.
pub async fn record_payment(
    db: &crate::store::Db,
    reference: &str,
    amount: Decimal,
    on: NaiveDate,
) -> anyhow::Result<Paid> {
    let now = chrono::Utc::now();
    let reference = reference.trim();
    let mut tx = db.begin().await?;
    let case = cases::lock_by_fee_reference(&mut tx, reference).await?;
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
    match &case {
        None => {
            out.note =
                format!("no case has the fee reference {reference}; payment recorded unmatched")
        }
        Some(c) => {
            let fee = c
                .fee_amount
                .as_deref()
                .and_then(|f| Decimal::from_str(f).ok())
                .unwrap_or(Decimal::ZERO);
            if amount < fee {
                out.note =
                    format!("{amount} does not cover the fee of {fee}; the case is unchanged");
            } else {
                match case_state::apply(&c.state, &CaseEvent::FeePaid { on }) {
                    Ok(t) => {
                        cases::record_transition(
                            &mut tx,
                            c.id,
                            &t,
                            Source::FeePayment(id),
                            &[],
                            now,
                        )
                        .await?;
                        out.state = Some(t.to.to_string());
                        out.note = t.reason;
                    }
                    Err(e) => out.note = format!("payment recorded; the case is unchanged: {e}"),
                }
            }
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
    let on = a.on.unwrap_or_else(super::today);
    let db = ctx.db().await?;
    let paid = record_payment(&db, &a.reference, amount, on).await?;
    let mut sim = None;
    if a.court.court_url.is_some() {
        let client = crate::court::client::CourtClient::new(a.court.client_config(ctx)?)?;
        sim = Some(
            client
                .sim_fee_payment(
                    a.reference.trim(),
                    &format!("{:.2}", amount.round_dp(2)),
                    on,
                )
                .await?,
        );
    }
    if ctx.json {
        println!(
            "{}",
            serde_json::json!({ "payment": paid, "simulator": sim })
        );
    } else {
        println!(
            "payment {} of {amount} EUR on {on} with reference {}: {}",
            paid.payment_id,
            a.reference.trim(),
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

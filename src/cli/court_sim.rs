//! `writ court-sim --listen ADDR --seed N`: the court simulator (design.md §5) on HTTP. Its keys
//! and state live in DATA_DIR/court-sim (`court-ca.pem` there is what `writ file --connector
//! exchange` trusts for receipts); it trusts the demo CA of the data directory for filers'
//! signatures unless `--trust-ca` names others.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::Ctx;
use crate::court::sim::{self, SimConfig};

/// The simulator's folder inside the data directory.
pub const STATE_DIR: &str = "court-sim";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port and prints it).
    #[arg(long, default_value = "127.0.0.1:8443")]
    pub listen: SocketAddr,
    /// Seed for every id the court issues (same seed, same inputs, same ids).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The simulator's own folder for keys and state (default: DATA_DIR/court-sim).
    #[arg(long)]
    pub state_dir: Option<PathBuf>,
    /// PEM file(s) of CAs trusted for filers' signatures (default: DATA_DIR/certs/demo-ca.pem).
    #[arg(long)]
    pub trust_ca: Vec<PathBuf>,
    /// Court days per real minute (0: the court's days follow the clock; tests and demos step
    /// it with POST /v1/sim/advance?days=N).
    #[arg(long, default_value_t = 0)]
    pub speed: u32,
    /// Share of accepted proposals the court rejects, in percent.
    #[arg(long, default_value_t = 10)]
    pub reject_pct: u8,
    /// Share of enforcement orders the debtor objects to, in percent.
    #[arg(long, default_value_t = 20)]
    pub objection_pct: u8,
}

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    let state_dir = args
        .state_dir
        .clone()
        .unwrap_or_else(|| ctx.data_dir.join(STATE_DIR));
    let cas = if args.trust_ca.is_empty() {
        vec![ctx.data_dir.join("certs").join(super::init::DEMO_CA)]
    } else {
        args.trust_ca.clone()
    };
    let mut trusted = Vec::new();
    for f in &cas {
        let pem = std::fs::read(f).map_err(|e| {
            anyhow::anyhow!(
                "cannot read the trusted CA {}: {e} (run `writ init` for the demo CA, or pass --trust-ca)",
                f.display()
            )
        })?;
        trusted.extend(openssl::x509::X509::stack_from_pem(&pem)?);
    }
    let mut config = SimConfig::new(trusted);
    config.listen = args.listen;
    config.seed = args.seed;
    config.data_dir = Some(state_dir.clone());
    config.schedule = sim::Schedule {
        speed_days_per_minute: args.speed,
        reject_pct: args.reject_pct.min(100),
        objection_pct: args.objection_pct.min(100),
    };
    let (addr, handle) = sim::spawn(config).await?;
    println!(
        "court simulator listening on http://{addr} (seed {}); court CA for receipts: {}",
        args.seed,
        state_dir.join(sim::COURT_CA_PEM).display()
    );
    stop_signal().await?;
    handle.shutdown().await?;
    Ok(0)
}

/// Ctrl-C, or SIGTERM on Unix (a service manager's stop).
pub(crate) async fn stop_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await
}

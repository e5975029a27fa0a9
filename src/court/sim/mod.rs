//! The court simulator (`writ court-sim`): the court's side of the exchange over HTTP (axum),
//! for demos, tests and training. It checks uploads as a court would and answers with signed
//! receipts; it serves the filer's untaken documents. See `docs/court-exchange.md`.

pub mod court;
pub mod documents;
pub mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use openssl::x509::X509;

pub use court::{COURT_CA_PEM, Clock, Court, CourtKeys, Failure, Schedule};
pub use state::{MemoryStore, SimStats, SimStore};

use crate::court::protocol::{self, ErrorMessage, codes};

/// How to run the simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Where to listen (`127.0.0.1:0` picks a free port).
    pub listen: SocketAddr,
    /// Seed for every id the court issues.
    pub seed: u64,
    /// The simulator's own folder: its keys (`court-ca.pem` for filers to trust) and its state.
    /// `None`: new keys and an in-memory state for this process only.
    pub data_dir: Option<PathBuf>,
    /// CAs whose certificates may sign packages and proposals.
    pub trusted_cas: Vec<X509>,
    pub clock: Clock,
    /// Speed of the court's days and the shares of rejections and objections.
    pub schedule: Schedule,
    /// Largest accepted request body.
    pub max_body: usize,
}

impl SimConfig {
    pub fn new(trusted_cas: Vec<X509>) -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: 0,
            data_dir: None,
            trusted_cas,
            clock: Clock::System,
            schedule: Schedule::default(),
            max_body: 64 * 1024 * 1024,
        }
    }
}

/// A running simulator; dropping it does not stop it, [`SimHandle::shutdown`] does.
#[derive(Debug)]
pub struct SimHandle {
    pub addr: SocketAddr,
    pub court: Arc<Court>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl SimHandle {
    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests in flight finish, and waits.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        self.task.await.unwrap_or(Ok(()))
    }

    /// Waits until the server stops (e.g. on Ctrl-C in `writ court-sim`).
    pub async fn wait(self) -> std::io::Result<()> {
        let _keep = self.stop;
        self.task.await.unwrap_or(Ok(()))
    }
}

/// Builds the court from the configuration (keys and state from `data_dir` when set).
pub fn build_court(config: &SimConfig) -> anyhow::Result<Court> {
    let now = config.clock.now();
    let (keys, store): (CourtKeys, Box<dyn SimStore>) = match &config.data_dir {
        Some(dir) => (
            CourtKeys::load_or_create(dir, now)?,
            Box::new(MemoryStore::open(dir.join("state.json"))?),
        ),
        None => (CourtKeys::create(now)?, Box::new(MemoryStore::new())),
    };
    Ok(Court::new(
        store,
        &keys,
        config.trusted_cas.clone(),
        config.seed,
        config.clock,
    )?
    .with_schedule(config.schedule))
}

/// Starts the simulator on `config.listen`; returns the bound address and a handle.
pub async fn spawn(config: SimConfig) -> anyhow::Result<(SocketAddr, SimHandle)> {
    let court = Arc::new(build_court(&config)?);
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let app = router(court.clone(), config.max_body);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    Ok((
        addr,
        SimHandle {
            addr,
            court,
            stop: Some(stop),
            task,
        },
    ))
}

/// The HTTP routes (see the protocol document).
pub fn router(court: Arc<Court>, max_body: usize) -> Router {
    Router::new()
        .route("/v1/packages", post(upload))
        .route("/v1/documents", get(list))
        .route("/v1/documents/{id}", get(take))
        .route("/v1/documents/{id}/confirm", post(confirm))
        .route("/v1/sim/documents", post(enqueue))
        .route("/v1/sim/advance", post(advance))
        .route("/v1/sim/fee-payments", post(fee_payment))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(court)
}

fn xml(status: StatusCode, body: Vec<u8>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, protocol::CONTENT_TYPE)],
        body,
    )
        .into_response()
}

fn failure(f: Failure) -> Response {
    let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    xml(status, f.error.to_xml())
}

fn filer(headers: &HeaderMap) -> Result<String, Failure> {
    headers
        .get(protocol::FILER_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .ok_or_else(|| Failure {
            status: 401,
            error: ErrorMessage::new(
                codes::NO_FILER,
                format!(
                    "no filer: send the {} header (or a client certificate)",
                    protocol::FILER_HEADER
                ),
            ),
        })
}

/// CPU-bound work (signature checks) off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(Failure {
            status: 500,
            error: ErrorMessage::new(codes::OTHER, format!("the court failed: {e}")),
        })
    })
}

fn answer(status: StatusCode, r: Result<Vec<u8>, Failure>) -> Response {
    match r {
        Ok(body) => xml(status, body),
        Err(f) => failure(f),
    }
}

async fn upload(State(court): State<Arc<Court>>, body: Bytes) -> Response {
    answer(StatusCode::OK, blocking(move || court.upload(&body)).await)
}

async fn list(State(court): State<Arc<Court>>, headers: HeaderMap) -> Response {
    answer(StatusCode::OK, filer(&headers).map(|f| court.list(&f)))
}

async fn take(
    State(court): State<Arc<Court>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    answer(
        StatusCode::OK,
        filer(&headers).and_then(|f| court.take(&f, &id)),
    )
}

async fn confirm(
    State(court): State<Arc<Court>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    answer(
        StatusCode::OK,
        filer(&headers).and_then(|f| court.confirm(&f, &id)),
    )
}

/// Test and demo hook (not part of a real court's interface): queues the body for the filer
/// named by the filer header; with `x-writ-sim-sign: 1` the court signs it first.
async fn enqueue(State(court): State<Arc<Court>>, headers: HeaderMap, body: Bytes) -> Response {
    let filer = match filer(&headers) {
        Ok(f) => f,
        Err(f) => return failure(f),
    };
    let sign = headers
        .get("x-writ-sim-sign")
        .is_some_and(|v| v.as_bytes() == b"1");
    answer(
        StatusCode::CREATED,
        blocking(move || {
            court
                .enqueue(&filer, &body, sign)
                .map(|id| protocol::Enqueued { document_id: id }.to_xml())
        })
        .await,
    )
}

/// `key=value&…` of a query string (values are plain: numbers, dates, references).
fn query_param<'a>(uri: &'a axum::http::Uri, key: &str) -> Option<&'a str> {
    uri.query()?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

fn bad_request(message: impl Into<String>) -> Response {
    failure(Failure {
        status: 400,
        error: ErrorMessage::new(codes::XML, message),
    })
}

fn text(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Test and demo hook: `POST /v1/sim/advance?days=N` moves the court's clock and issues the
/// documents due. Answers `date=YYYY-MM-DD issued=N` (text).
async fn advance(State(court): State<Arc<Court>>, uri: axum::http::Uri) -> Response {
    let Some(days) = query_param(&uri, "days").and_then(|d| d.parse::<u32>().ok()) else {
        return bad_request("advance needs ?days=N (a whole number of days)");
    };
    match blocking(move || court.advance(days)).await {
        Ok((date, issued)) => text(StatusCode::OK, format!("date={date} issued={issued}")),
        Err(f) => failure(f),
    }
}

/// Test and demo hook standing in for the court's bank account:
/// `POST /v1/sim/fee-payments?reference=R&amount=A&date=YYYY-MM-DD`. Answers `paid=VL n/y` or
/// `paid=-` when no case's fee was paid by it (text).
async fn fee_payment(State(court): State<Arc<Court>>, uri: axum::http::Uri) -> Response {
    let reference = query_param(&uri, "reference")
        .unwrap_or_default()
        .to_string();
    let amount = query_param(&uri, "amount").and_then(|a| a.parse::<rust_decimal::Decimal>().ok());
    let date = query_param(&uri, "date")
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let (Some(amount), Some(date)) = (amount, date) else {
        return bad_request("fee-payments needs ?reference=R&amount=A&date=YYYY-MM-DD");
    };
    if reference.is_empty() {
        return bad_request("fee-payments needs a reference");
    }
    match blocking(move || court.pay_fee(&reference, amount, date)).await {
        Ok(paid) => text(
            StatusCode::CREATED,
            format!("paid={}", paid.as_deref().unwrap_or("-")),
        ),
        Err(f) => failure(f),
    }
}

async fn not_found() -> Response {
    failure(Failure {
        status: 404,
        error: ErrorMessage::new(codes::OTHER, "no such operation"),
    })
}

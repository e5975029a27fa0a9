//! The court exchange over real HTTP on loopback: `writ file --connector exchange` against the
//! in-process court simulator, duplicate uploads, rejected items, a dropped connection and 5xx
//! answers injected by a small TCP proxy, and the document list/take/confirm operations.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use writ::court::client::{ClientConfig, ClientError, CourtClient, RetryPolicy};
use writ::court::protocol::{self, Upload, UploadProposal, Verdict, codes};
use writ::court::sim::{self, SimConfig, SimHandle};
use writ::filing::package::{PackageDoc, PackageItem, sha256_hex};
use writ::store::{Db, court as court_store, packages};

use crate::support::*;

/// A data dir with the demo certificates and the sample batch imported and linted.
fn prepared() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&run(d, &["init"]));
    partly(&run(
        d,
        &[
            "import",
            root().join("fixtures/sample-batch.csv").to_str().unwrap(),
            root()
                .join("fixtures/eslog/invoice-2026-0415.xml")
                .to_str()
                .unwrap(),
        ],
    ));
    ok(&run(d, &["lint", "--today", "2026-12-03"]));
    dir
}

/// The simulator trusting the data dir's demo CA, keeping its keys in DATA_DIR/court-sim (where
/// `writ file` finds the court CA).
async fn start_sim(d: &Path, seed: u64) -> SimHandle {
    let pem = std::fs::read(d.join("certs/demo-ca.pem")).unwrap();
    let mut config = SimConfig::new(openssl::x509::X509::stack_from_pem(&pem).unwrap());
    config.seed = seed;
    config.data_dir = Some(d.join("court-sim"));
    sim::spawn(config).await.unwrap().1
}

/// Runs writ off the async threads (the simulator runs on them).
async fn writ_async(d: &Path, args: &[&str]) -> std::process::Output {
    let d = d.to_path_buf();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&d, &a)
    })
    .await
    .unwrap()
}

async fn db_of(d: &Path) -> Db {
    Db::connect(&Db::sqlite_url_for(d)).await.unwrap()
}

fn fast_client(url: &str, court_ca: &Path) -> CourtClient {
    let mut c = ClientConfig::new(url);
    c.timeout = Duration::from_secs(20);
    c.connect_timeout = Duration::from_secs(2);
    c.retry = RetryPolicy {
        min_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        max_retries: 4,
        jitter: true,
        max_retry_after: Duration::from_secs(2),
    };
    c.requests_per_second = 100;
    c.court_cas = openssl::x509::X509::stack_from_pem(&std::fs::read(court_ca).unwrap()).unwrap();
    c.filer = Some("12345679".into());
    CourtClient::new(c).unwrap()
}

async fn stored_upload(db: &Db, package_id: &str) -> Upload {
    let pkg = packages::load(db, package_id).await.unwrap().unwrap();
    Upload {
        package_id: pkg.id.clone(),
        package: pkg.xml.clone(),
        proposals: pkg
            .proposals
            .iter()
            .map(|p| UploadProposal {
                seq: p.seq as u32,
                id: p.id.clone(),
                xml: p.xml.clone(),
            })
            .collect(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filing_through_the_exchange_gives_a_receipt_per_item_and_a_duplicate_gets_the_original() {
    let dir = prepared();
    let d = dir.path();
    let sim = start_sim(d, 7).await;
    let url = sim.url();
    let out = ok(&writ_async(d, &["file", "--connector", "exchange", "--court-url", &url]).await);
    assert!(out.contains("court receipt R-"), "{out}");
    assert!(out.contains("0 rejected"), "{out}");

    // The outbox is still written, as the record of what was sent.
    let files = proposal_files(&d.join("outbox"));
    assert!(files.len() >= 8, "{}", files.len());

    let db = db_of(d).await;
    let ids = packages::all_ids(&db).await.unwrap();
    assert_eq!(ids.len(), 1);
    let sub = court_store::submission(&db, &ids[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sub.status, "received");
    let items = court_store::receipt_items(&db, &ids[0]).await.unwrap();
    assert_eq!(items.len(), files.len());
    let today = writ::cli::today();
    let due = writ::law::deadlines::compute(
        writ::law::deadlines::DeadlineRule::FeePayment,
        today,
        &writ::law::calendar::Calendar::slovenia(),
    )
    .unwrap()
    .end;
    let year = chrono::Datelike::year(&today);
    for (n, it) in items.iter().enumerate() {
        assert_eq!(it.status, "accepted", "{it:?}");
        assert_eq!(
            it.case_number.as_deref(),
            Some(format!("VL {}/{year}", n + 1).as_str()),
            "VL numbers are sequential"
        );
        assert_eq!(it.fee_amount.as_deref(), Some("44.00"));
        let r = writ::law::ids::SiReference::parse(it.fee_reference.as_deref().unwrap()).unwrap();
        assert_eq!(r.model(), 12);
        assert_eq!(
            it.fee_due_date,
            Some(due),
            "fee due 8 days after submission"
        );
    }
    assert_eq!(sim.court.stats().packages, 1);
    assert_eq!(sim.court.stats().proposals_accepted, files.len());

    // A rerun sends nothing: the package is answered.
    let again = ok(&writ_async(d, &["file", "--connector", "exchange", "--court-url", &url]).await);
    assert!(!again.contains("court receipt"), "{again}");
    assert_eq!(sim.court.stats().packages, 1);

    // The same package again: the original receipt, byte for byte, and nothing filed twice.
    let court_ca = d.join("court-sim").join(sim::COURT_CA_PEM);
    let client = fast_client(&url, &court_ca);
    let upload = stored_upload(&db, &ids[0]).await;
    let dup = client.upload(&upload).await.unwrap();
    assert_eq!(Some(dup.xml.clone()), sub.receipt_xml);
    assert_eq!(sim.court.stats().proposals_accepted, files.len());
    // The stored receipt is schema-valid for xmllint too, and signed by the court.
    if have_tool("xmllint") {
        let f = d.join("receipt.xml");
        std::fs::write(&f, &dup.xml).unwrap();
        xmllint_valid(&root().join("xsd/court-exchange-1.0.xsd"), &f).unwrap();
        if have_tool("xmlsec1") {
            xmlsec1_verify(&court_ca, &f).unwrap();
        }
    }

    // The same id with other content is refused.
    let mut other = upload.clone();
    other.package = b"<other/>".to_vec();
    match client.upload(&other).await {
        Err(ClientError::Status { status, code, .. }) => {
            assert_eq!((status, code.as_str()), (409, codes::ID_REUSED));
        }
        r => panic!("expected 409, got {r:?}"),
    }
    sim.shutdown().await.unwrap();
}

/// A package re-made from stored proposals: one untouched, one altered after signing (its
/// SHA-256 in the package is updated, so only its signature betrays it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_court_rejects_a_broken_signature_and_a_miscounted_package_with_codes() {
    let dir = prepared();
    let d = dir.path();
    ok(&writ_async(d, &["file"]).await);
    let db = db_of(d).await;
    let ids = packages::all_ids(&db).await.unwrap();
    let pkg = packages::load(&db, &ids[0]).await.unwrap().unwrap();
    let signer = writ::filing::sign::Signer::from_pkcs12(
        &std::fs::read(d.join("certs/demo-filer.p12")).unwrap(),
        "demo",
    )
    .unwrap();
    let good = &pkg.proposals[0];
    let bad_xml = String::from_utf8(pkg.proposals[1].xml.clone())
        .unwrap()
        .replacen("Ljubljani", "Ljubljanu", 1)
        .into_bytes();
    assert_ne!(
        bad_xml, pkg.proposals[1].xml,
        "the alteration must change the bytes"
    );
    let make = |id: &str, xmls: Vec<(String, Vec<u8>, String)>| {
        let doc = PackageDoc {
            id: id.into(),
            created_at: chrono::Utc::now(),
            filer_name: signer.subject(),
            filer_certificate_serial: "01".into(),
            items: xmls
                .iter()
                .enumerate()
                .map(|(i, (pid, xml, principal))| PackageItem {
                    seq: i + 1,
                    proposal_id: pid.clone(),
                    claim_ref: format!("C{i}"),
                    file: format!("proposals/{pid}.xml"),
                    principal: principal.parse().unwrap(),
                    sha256: sha256_hex(xml),
                })
                .collect(),
        };
        let signed = signer
            .sign_enveloped(&doc.render(), chrono::Utc::now())
            .unwrap();
        Upload {
            package_id: id.into(),
            package: signed,
            proposals: xmls
                .into_iter()
                .enumerate()
                .map(|(i, (pid, xml, _))| UploadProposal {
                    seq: i as u32 + 1,
                    id: pid,
                    xml,
                })
                .collect(),
        }
    };
    let sim = start_sim(d, 1).await;
    let client = fast_client(&sim.url(), &d.join("court-sim").join(sim::COURT_CA_PEM));
    let upload = make(
        "PKG-T1",
        vec![
            (good.id.clone(), good.xml.clone(), good.principal.clone()),
            (
                pkg.proposals[1].id.clone(),
                bad_xml,
                pkg.proposals[1].principal.clone(),
            ),
        ],
    );
    let r = client.upload(&upload).await.unwrap().receipt;
    assert!(r.package_rejection.is_none());
    assert!(
        matches!(r.items[0].verdict, Verdict::Accepted { .. }),
        "{r:?}"
    );
    match &r.items[1].verdict {
        Verdict::Rejected { code, .. } => assert_eq!(code, codes::SIGNATURE),
        v => panic!("expected a signature rejection, got {v:?}"),
    }

    // The good proposal again, in a new package: a duplicate.
    let again = make(
        "PKG-T2",
        vec![(good.id.clone(), good.xml.clone(), good.principal.clone())],
    );
    let r = client.upload(&again).await.unwrap().receipt;
    match &r.items[0].verdict {
        Verdict::Rejected { code, .. } => assert_eq!(code, codes::DUPLICATE),
        v => panic!("expected a duplicate, got {v:?}"),
    }

    // A package listing two items but carrying one proposal: rejected as a whole.
    let p2 = &pkg.proposals[2];
    let mut short = make(
        "PKG-T3",
        vec![
            (p2.id.clone(), p2.xml.clone(), p2.principal.clone()),
            (
                pkg.proposals[3].id.clone(),
                pkg.proposals[3].xml.clone(),
                pkg.proposals[3].principal.clone(),
            ),
        ],
    );
    short.proposals.truncate(1);
    let r = client.upload(&short).await.unwrap().receipt;
    assert_eq!(
        r.package_rejection.as_ref().map(|(c, _)| c.as_str()),
        Some(codes::PACKAGE_ELEMENTS)
    );
    assert_eq!(r.accepted(), 0);
    assert_eq!(sim.court.stats().proposals_accepted, 1);

    // A malformed envelope: 400 with the XML error code, not retried.
    let raw = reqwest::Client::new()
        .post(format!("{}/v1/packages", sim.url()))
        .body("<not-an-upload/>")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 400);
    let e = protocol::ErrorMessage::parse(&raw.bytes().await.unwrap()).unwrap();
    assert_eq!(e.code, codes::XML);
    sim.shutdown().await.unwrap();
}

// ---------------------------------------------------------------------------------------------
// A fault-injecting TCP proxy.

#[derive(Debug, Clone, Copy)]
enum Fault {
    /// Forward the request, wait for the court's answer to begin, then drop the connection.
    DropAfterForward,
    /// Answer with this status (and Retry-After seconds) without forwarding.
    Status(u16, Option<u64>),
}

struct Proxy {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
}

/// Reads one HTTP/1.1 request (headers and a Content-Length body).
async fn read_request(s: &mut TcpStream) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse().unwrap())
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                return buf;
            }
        }
        let n = s.read(&mut chunk).await.unwrap();
        if n == 0 {
            return buf;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn spawn_proxy(upstream: SocketAddr, plan: Vec<Fault>) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else {
                return;
            };
            let n = count.fetch_add(1, Ordering::SeqCst);
            let fault = plan.get(n).copied();
            tokio::spawn(async move {
                match fault {
                    None => {
                        let mut up = TcpStream::connect(upstream).await.unwrap();
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut up).await;
                    }
                    Some(Fault::DropAfterForward) => {
                        let req = read_request(&mut client).await;
                        let mut up = TcpStream::connect(upstream).await.unwrap();
                        up.write_all(&req).await.unwrap();
                        let mut one = [0u8; 1];
                        let _ = up.read(&mut one).await;
                        // Both sockets dropped here: the client never sees the answer.
                    }
                    Some(Fault::Status(code, retry_after)) => {
                        let _ = read_request(&mut client).await;
                        let body =
                            protocol::ErrorMessage::new(codes::OTHER, "injected fault").to_xml();
                        let mut head = format!(
                            "HTTP/1.1 {code} Injected\r\ncontent-type: application/xml\r\ncontent-length: {}\r\nconnection: close\r\n",
                            body.len()
                        );
                        if let Some(s) = retry_after {
                            head.push_str(&format!("retry-after: {s}\r\n"));
                        }
                        head.push_str("\r\n");
                        let _ = client.write_all(head.as_bytes()).await;
                        let _ = client.write_all(&body).await;
                        let _ = client.shutdown().await;
                    }
                }
            });
        }
    });
    Proxy { addr, connections }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_dropped_after_the_court_accepted_is_retried_into_one_filing() {
    let dir = prepared();
    let d = dir.path();
    let sim = start_sim(d, 3).await;
    let proxy = spawn_proxy(sim.addr, vec![Fault::DropAfterForward]).await;
    let url = format!("http://{}", proxy.addr);
    let out = ok(&writ_async(
        d,
        &[
            "file",
            "--connector",
            "exchange",
            "--court-url",
            &url,
            "--retry-min-ms",
            "10",
        ],
    )
    .await);
    assert!(out.contains("0 rejected (2 attempt(s))"), "{out}");
    assert_eq!(proxy.connections.load(Ordering::SeqCst), 2);
    // The court saw the package twice and filed it once; the client got the original receipt,
    // in which every item is accepted (not rejected as a duplicate of itself).
    let files = proposal_files(&d.join("outbox"));
    assert_eq!(sim.court.stats().packages, 1);
    assert_eq!(sim.court.stats().proposals_accepted, files.len());
    let db = db_of(d).await;
    let id = &packages::all_ids(&db).await.unwrap()[0];
    let items = court_store::receipt_items(&db, id).await.unwrap();
    assert!(items.iter().all(|i| i.status == "accepted"), "{items:?}");
    writ::store::events::verify_chain(&db).await.unwrap();
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_with_backoff_and_client_errors_are_not() {
    let dir = prepared();
    let d = dir.path();
    ok(&writ_async(d, &["file"]).await);
    let db = db_of(d).await;
    let id = packages::all_ids(&db).await.unwrap()[0].clone();
    let upload = stored_upload(&db, &id).await;
    let sim = start_sim(d, 5).await;
    let court_ca = d.join("court-sim").join(sim::COURT_CA_PEM);

    // 500, then 503 with Retry-After: 1, then through to the court.
    let proxy = spawn_proxy(
        sim.addr,
        vec![Fault::Status(500, None), Fault::Status(503, Some(1))],
    )
    .await;
    let client = fast_client(&format!("http://{}", proxy.addr), &court_ca);
    let started = Instant::now();
    let o = client.upload(&upload).await.unwrap();
    assert_eq!(o.attempts, 3);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After: 1 must be honoured ({:?})",
        started.elapsed()
    );
    assert_eq!(o.receipt.accepted(), upload.proposals.len());
    assert_eq!(sim.court.stats().packages, 1);

    // A 4xx is final.
    let proxy = spawn_proxy(sim.addr, vec![Fault::Status(400, None)]).await;
    let client = fast_client(&format!("http://{}", proxy.addr), &court_ca);
    match client.upload(&upload).await {
        Err(e @ ClientError::Status { status: 400, .. }) => assert!(!e.is_transient()),
        r => panic!("expected a 400, got {r:?}"),
    }
    assert_eq!(proxy.connections.load(Ordering::SeqCst), 1);

    // The court unreachable: retried, then a transport error.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = closed.local_addr().unwrap();
    drop(closed);
    let client = fast_client(&format!("http://{dead}"), &court_ca);
    match client.upload(&upload).await {
        Err(e @ ClientError::Transport { .. }) => assert!(e.is_transient()),
        r => panic!("expected a transport error, got {r:?}"),
    }
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_are_listed_taken_and_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&run(d, &["init"]));
    let sim = start_sim(d, 9).await;
    let court_ca = d.join("court-sim").join(sim::COURT_CA_PEM);
    let client = fast_client(&sim.url(), &court_ca);
    assert!(client.list_documents().await.unwrap().documents.is_empty());

    // The queue is filled by the court (step b); here through the simulator's test endpoint.
    let sample = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OpisPosiljke xmlns=\"http://sodisce.si/izvrsba\"><Glava/></OpisPosiljke>\n";
    let http = reqwest::Client::new();
    let mut ids = vec![];
    for filer in ["12345679", "12345679", "99999999"] {
        let r = http
            .post(format!("{}/v1/sim/documents", sim.url()))
            .header(protocol::FILER_HEADER, filer)
            .header("x-writ-sim-sign", "1")
            .body(sample.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 201);
        ids.push(
            protocol::Enqueued::parse(&r.bytes().await.unwrap())
                .unwrap()
                .document_id,
        );
    }
    let list = client.list_documents().await.unwrap();
    let listed: Vec<&str> = list.documents.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(
        listed,
        vec![ids[0].as_str(), ids[1].as_str()],
        "only this filer's"
    );

    let doc = client.take_document(&ids[0]).await.unwrap();
    assert_eq!(sha256_hex(&doc), list.documents[0].sha256);
    let cas = openssl::x509::X509::stack_from_pem(&std::fs::read(&court_ca).unwrap()).unwrap();
    writ::filing::sign::verify(
        &doc,
        &writ::filing::sign::VerifyOptions::with_trusted_cas(cas, None),
    )
    .expect("the court signed the document");

    let c = client.confirm_document(&ids[0]).await.unwrap();
    assert_eq!(c.document_id, ids[0]);
    let again = client.confirm_document(&ids[0]).await.unwrap();
    assert_eq!(again.confirmed, c.confirmed, "confirming twice is harmless");
    let list = client.list_documents().await.unwrap();
    assert_eq!(list.documents.len(), 1);
    assert_eq!(list.documents[0].id, ids[1]);

    // Another filer's document, or an unknown id: 404 with the ZBS code.
    for id in [ids[2].as_str(), "D-unknown"] {
        match client.take_document(id).await {
            Err(ClientError::Status { status, code, .. }) => {
                assert_eq!((status, code.as_str()), (404, codes::DOCUMENT_ID));
            }
            r => panic!("expected 404, got {r:?}"),
        }
    }
    sim.shutdown().await.unwrap();
}

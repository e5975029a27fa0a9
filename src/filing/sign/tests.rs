//! Tests of the signing module, including the independent oracles: `xmlsec1` (Debian `xmlsec1`)
//! and the third-party vectors in `$WRIT_CORPUS_DIR/xmldsig` (default `../shared/corpus`
//! relative to the crate root). When the corpus or xmlsec1 is missing these tests print a notice
//! and pass, unless `WRIT_REQUIRE_CORPUS=1`, when they fail.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Duration, TimeZone, Utc};
use openssl::x509::X509;

use super::*;

const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<izv:OpisPosiljke xmlns:izv="http://sodisce.si/izvrsba" schemaVersion="1.1">
	<izv:Glava/>
	<izv:Vsebina>
		<izv:ProcesnoDejanje sifProcesnoDejanje="568" nazivProcesnoDejanje="VL predlog za izvršbo">
			<izv:Predlog gospodarska="true">
				<izv:Vlagatelj ime-naziv="Srečko" priimek-naziv="Nesrečnik &amp; drugi"/>
				<izv:Znesek>1234.56</izv:Znesek>
			</izv:Predlog>
		</izv:ProcesnoDejanje>
	</izv:Vsebina>
</izv:OpisPosiljke>
"#;

const XADES_ID_ATTR: &str = "--id-attr:Id";
const XADES_SP: &str = "http://uri.etsi.org/01903/v1.3.2#:SignedProperties";

// ---------------------------------------------------------------------------------------------
// Helpers

fn require_corpus() -> bool {
    std::env::var("WRIT_REQUIRE_CORPUS").is_ok_and(|v| v == "1")
}

fn corpus_dir() -> PathBuf {
    match std::env::var_os("WRIT_CORPUS_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    }
}

/// The xmldsig vectors folder, or `None` (with a notice) when absent.
fn xmldsig_dir() -> Option<PathBuf> {
    let dir = corpus_dir().join("xmldsig");
    if dir.join("README.md").is_file() {
        return Some(dir);
    }
    let msg = format!(
        "corpus not found at {} (set WRIT_CORPUS_DIR)",
        dir.display()
    );
    assert!(!require_corpus(), "{msg}");
    eprintln!("NOTICE: skipping: {msg}");
    None
}

fn have_xmlsec1() -> bool {
    let ok = Command::new("xmlsec1")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let msg = "xmlsec1 not found (apt-get install xmlsec1)";
        assert!(!require_corpus(), "{msg}");
        eprintln!("NOTICE: skipping the xmlsec1 part: {msg}");
    }
    ok
}

/// Run `xmlsec1 --verify <args> <file>`; true when it accepts.
fn xmlsec1_verify(args: &[&str], file: &Path) -> bool {
    let out = Command::new("xmlsec1")
        .arg("--verify")
        .args(args)
        .arg(file)
        .output()
        .expect("run xmlsec1");
    out.status.success()
}

fn now() -> DateTime<Utc> {
    Utc::now()
}

fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

fn demo() -> DemoPki {
    create_demo_pki(now()).expect("demo PKI")
}

fn signer_of(pki: &DemoPki) -> Signer {
    Signer::from_pkcs12(&pki.filer_p12("geslo").unwrap(), "geslo").expect("load demo p12")
}

fn chain_opts(pki: &DemoPki) -> VerifyOptions {
    VerifyOptions {
        trusted_cas: vec![pki.ca.cert.clone()],
        check_chain: true,
        ..Default::default()
    }
}

fn crypto_only() -> VerifyOptions {
    VerifyOptions::crypto_only()
}

/// Replace the first occurrence of `from` (which must exist) after `after`.
fn tamper(xml: &[u8], after: &str, from: &str, to: &str) -> Vec<u8> {
    let s = std::str::from_utf8(xml).unwrap();
    let start = s
        .find(after)
        .unwrap_or_else(|| panic!("{after} not in document"))
        + after.len();
    let pos = start
        + s[start..]
            .find(from)
            .unwrap_or_else(|| panic!("{from} not after {after}"));
    let mut out = String::new();
    out.push_str(&s[..pos]);
    out.push_str(to);
    out.push_str(&s[pos + from.len()..]);
    out.into_bytes()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

// ---------------------------------------------------------------------------------------------
// Own signatures

#[test]
fn sign_then_verify_with_us_and_xmlsec1_and_tamper() {
    let pki = demo();
    let signer = signer_of(&pki);
    let t = now();
    let signed = signer.sign_enveloped(SAMPLE.as_bytes(), t).expect("sign");
    let text = String::from_utf8(signed.clone()).unwrap();

    // Shape: declaration kept, signature is the last child of the root.
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<izv:OpisPosiljke"));
    assert!(
        text.trim_end()
            .ends_with("</ds:Signature></izv:OpisPosiljke>")
    );
    assert!(text.contains(
        r#"<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>"#
    ));
    assert!(text.contains("<xades:SigningCertificateV2>"));
    assert!(text.contains("<xades:IssuerSerialV2>"));

    let v = verify(&signed, &chain_opts(&pki)).expect("our verifier accepts");
    assert_eq!(v.kind, SignatureKind::Enveloped);
    assert_eq!(v.key_source, KeySource::X509Certificate);
    assert!(v.xades_checked && v.chain_checked);
    assert_eq!(v.signing_time.unwrap().timestamp(), t.timestamp());
    assert_eq!(
        v.signer_subject.as_deref(),
        Some("CN=DEMO filer, O=writ DEMO, C=SI")
    );
    assert_eq!(
        v.chain,
        vec![
            "CN=DEMO filer, O=writ DEMO, C=SI",
            "CN=writ DEMO CA, O=writ DEMO, C=SI"
        ]
    );
    assert_eq!(v.references.len(), 2);
    assert_eq!(v.references[0].uri, "");
    assert_eq!(v.references[0].covers, "document");
    assert_eq!(v.references[1].covers, "SignedProperties");
    assert_eq!(
        v.canonicalization,
        "http://www.w3.org/2001/10/xml-exc-c14n#"
    );

    let content = tamper(&signed, "<izv:Znesek>", "1234.56", "1234.57");
    let err = verify(&content, &crypto_only()).unwrap_err();
    assert!(
        matches!(err, VerifyError::DigestMismatch { ref uri } if uri.is_empty()),
        "{err}"
    );
    let time = tamper(&signed, "<xades:SigningTime>", "T", "t");
    let time2 = {
        // Change a digit of the year instead (still a valid date).
        let year = t.format("%Y").to_string();
        let next = (t.format("%Y").to_string().parse::<i32>().unwrap() + 1).to_string();
        tamper(&signed, "<xades:SigningTime>", &year, &next)
    };
    for bad in [&time, &time2] {
        let err = verify(bad, &crypto_only()).unwrap_err();
        assert!(
            matches!(err, VerifyError::DigestMismatch { ref uri } if uri.starts_with('#')),
            "{err}"
        );
    }

    if !have_xmlsec1() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ca = write(dir.path(), "ca.pem", pki.ca_pem().unwrap().as_bytes());
    let ca = ca.to_str().unwrap();
    let args = ["--trusted-pem", ca, XADES_ID_ATTR, XADES_SP];
    assert!(
        xmlsec1_verify(&args, &write(dir.path(), "signed.xml", &signed)),
        "xmlsec1 rejects our signature"
    );
    assert!(
        !xmlsec1_verify(&args, &write(dir.path(), "content.xml", &content)),
        "xmlsec1 accepts changed content"
    );
    assert!(
        !xmlsec1_verify(&args, &write(dir.path(), "time.xml", &time2)),
        "xmlsec1 accepts changed SigningTime"
    );
    assert!(
        !xmlsec1_verify(&args, &write(dir.path(), "time2.xml", &time)),
        "xmlsec1 accepts changed SigningTime"
    );
}

#[test]
fn signs_self_closing_root_and_without_declaration() {
    let pki = demo();
    let signer = signer_of(&pki);
    let xml = br#"<izv:OpisPosiljke xmlns:izv="http://sodisce.si/izvrsba" schemaVersion="1.1"/>"#;
    let signed = signer.sign_enveloped(xml, now()).unwrap();
    let text = String::from_utf8(signed.clone()).unwrap();
    assert!(text.starts_with(r#"<izv:OpisPosiljke xmlns:izv="http://sodisce.si/izvrsba" schemaVersion="1.1"><ds:Signature"#));
    assert!(text.ends_with("</ds:Signature></izv:OpisPosiljke>"));
    verify(&signed, &chain_opts(&pki)).unwrap();
    let again = signer.sign_enveloped(&signed, now()).unwrap_err();
    assert!(
        again.to_string().contains("already carries a ds:Signature"),
        "{again}"
    );
    if have_xmlsec1() {
        let dir = tempfile::tempdir().unwrap();
        let ca = write(dir.path(), "ca.pem", pki.ca_pem().unwrap().as_bytes());
        let args = [
            "--trusted-pem",
            ca.to_str().unwrap(),
            XADES_ID_ATTR,
            XADES_SP,
        ];
        assert!(xmlsec1_verify(&args, &write(dir.path(), "s.xml", &signed)));
    }
}

#[test]
fn issuer_serial_v2_is_rfc5035_der() {
    let pki = demo();
    let der = issuer_serial_v2_der(&pki.filer.cert).unwrap();
    let issuer = pki.filer.cert.issuer_name().to_der().unwrap();
    assert_eq!(der[0], 0x30);
    // SEQUENCE { SEQUENCE { [4] { Name } } INTEGER }
    let inner = &der[2..];
    assert_eq!(inner[0], 0x30);
    assert_eq!(inner[2], 0xA4);
    assert_eq!(&inner[4..4 + issuer.len()], issuer.as_slice());
    assert_eq!(inner[4 + issuer.len()], 0x02);
}

#[test]
fn issuer_serial_v2_matches_eu_dss_encoding() {
    let Some(dir) = xmldsig_dir() else { return };
    let text = std::fs::read_to_string(dir.join("xades_dss-signed.xml")).unwrap();
    let between = |a: &str, b: &str| {
        let s = text.find(a).unwrap() + a.len();
        text[s..s + text[s..].find(b).unwrap()].to_owned()
    };
    let cert_b64 = between("<ds:X509Certificate>", "</ds:X509Certificate>");
    let cert = X509::from_der(&openssl::base64::decode_block(cert_b64.trim()).unwrap()).unwrap();
    let expected = between("<xades:IssuerSerialV2>", "</xades:IssuerSerialV2>");
    assert_eq!(
        openssl::base64::encode_block(&issuer_serial_v2_der(&cert).unwrap()),
        expected
    );
}

#[test]
fn refuses_expired_and_not_yet_valid_certificates() {
    let pki = demo();
    let old_ca = create_ca("writ DEMO CA 2019", utc(2019, 1, 1), 3650).unwrap();
    let old = issue_cert(&old_ca, "Expired filer", utc(2020, 1, 1), 30).unwrap();
    let signer = Signer::new(old.key.clone(), old.cert.clone(), vec![old_ca.cert.clone()]).unwrap();
    let err = signer.sign_enveloped(SAMPLE.as_bytes(), now()).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, SignError::CertificateNotValid { .. }),
        "{msg}"
    );
    assert!(msg.contains("CN=Expired filer, O=writ DEMO, C=SI"), "{msg}");
    assert!(
        msg.contains("2019-12-31 23:00:00 UTC") && msg.contains("2020-01-31 00:00:00 UTC"),
        "{msg}"
    );

    let future = issue_cert(&pki.ca, "Future filer", now() + Duration::days(10), 30).unwrap();
    let signer = Signer::new(future.key, future.cert, vec![]).unwrap();
    assert!(matches!(
        signer.sign_enveloped(SAMPLE.as_bytes(), now()),
        Err(SignError::CertificateNotValid { .. })
    ));

    // The verifier names the dates too.
    let ok_then = Signer::new(old.key, old.cert, vec![old_ca.cert.clone()]).unwrap();
    let signed = ok_then
        .sign_enveloped(SAMPLE.as_bytes(), utc(2020, 1, 15))
        .unwrap();
    let old_opts = VerifyOptions {
        trusted_cas: vec![old_ca.cert.clone()],
        check_chain: true,
        ..Default::default()
    };
    let err = verify(&signed, &old_opts).unwrap_err();
    assert!(
        matches!(err, VerifyError::CertificateNotValid { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("CN=Expired filer"), "{err}");
    let at_then = VerifyOptions {
        at: Some(utc(2020, 1, 15)),
        ..old_opts
    };
    verify(&signed, &at_then).unwrap();
}

#[test]
fn refuses_certificate_without_signing_key_usage() {
    use openssl::asn1::Asn1Time;
    use openssl::hash::MessageDigest;
    use openssl::pkey::PKey;
    use openssl::rsa::Rsa;
    use openssl::x509::X509Builder;
    use openssl::x509::extension::KeyUsage;

    let pki = demo();
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let mut b = X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    let mut name = openssl::x509::X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "Encryption only").unwrap();
    let name = name.build();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(pki.ca.cert.subject_name()).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(30).unwrap())
        .unwrap();
    b.append_extension(KeyUsage::new().key_encipherment().build().unwrap())
        .unwrap();
    b.sign(&pki.ca.key, MessageDigest::sha256()).unwrap();
    let err = Signer::new(key, b.build(), vec![]).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, SignError::KeyUsage { .. }), "{msg}");
    assert!(
        msg.contains("CN=Encryption only") && msg.contains("valid from"),
        "{msg}"
    );
}

#[test]
fn refuses_weak_digests_for_signing() {
    let pki = demo();
    let err = signer_of(&pki)
        .with_digest(DigestAlgorithm::Sha1)
        .unwrap_err();
    assert!(matches!(err, SignError::WeakAlgorithm(_)), "{err}");
    assert!(DigestAlgorithm::from_uri("http://www.w3.org/2001/04/xmldsig-more#md5").is_err());
    // SHA-512 works end to end.
    let s = signer_of(&pki)
        .with_digest(DigestAlgorithm::Sha512)
        .unwrap();
    let signed = s.sign_enveloped(SAMPLE.as_bytes(), now()).unwrap();
    let v = verify(&signed, &chain_opts(&pki)).unwrap();
    assert_eq!(
        v.signature_algorithm,
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
    );
}

#[test]
fn chain_needs_trusted_cas_and_the_right_ca() {
    let pki = demo();
    let signed = signer_of(&pki)
        .sign_enveloped(SAMPLE.as_bytes(), now())
        .unwrap();
    // The default options check the chain, so they need a trusted CA.
    let err = verify(&signed, &VerifyOptions::default()).unwrap_err();
    assert!(matches!(err, VerifyError::NoTrustedCas));
    assert!(
        err.to_string()
            .contains("pass --trusted-ca PEM or set trusted CAs in configuration")
    );

    let other = demo();
    let err = verify(&signed, &chain_opts(&other)).unwrap_err();
    assert!(matches!(err, VerifyError::Chain { .. }), "{err}");
    assert!(err.to_string().contains("CN=DEMO filer"), "{err}");

    // Crypto-only still accepts, and says the chain was not checked.
    let v = verify(&signed, &crypto_only()).unwrap();
    assert!(!v.chain_checked && v.xades_checked);
}

#[test]
fn court_certificate_signs_like_a_filer() {
    let pki = demo();
    let court = issue_cert(&pki.ca, "DEMO Okrajno sodišče v Ljubljani", now(), 365).unwrap();
    let signer = Signer::new(
        court.key.clone(),
        court.cert.clone(),
        vec![pki.ca.cert.clone()],
    )
    .unwrap();
    let signed = signer.sign_enveloped(SAMPLE.as_bytes(), now()).unwrap();
    let v = verify(&signed, &chain_opts(&pki)).unwrap();
    assert_eq!(
        v.signer_subject.as_deref(),
        Some("CN=DEMO Okrajno sodišče v Ljubljani, O=writ DEMO, C=SI")
    );
}

#[test]
fn demo_pki_files() {
    let pki = demo();
    assert_eq!(pki.ca.subject(), "CN=writ DEMO CA, O=writ DEMO, C=SI");
    let dir = tempfile::tempdir().unwrap();
    pki.write_to(dir.path(), "demo").unwrap();
    for f in ["demo-ca.pem", "demo-filer.p12", "demo-filer.pem"] {
        assert!(dir.path().join(f).is_file(), "{f}");
    }
    let pem = std::fs::read_to_string(dir.path().join("demo-filer.pem")).unwrap();
    assert!(pem.contains("BEGIN CERTIFICATE") && pem.contains("BEGIN PRIVATE KEY"));
    let p12 = std::fs::read(dir.path().join("demo-filer.p12")).unwrap();
    let s = Signer::from_pkcs12(&p12, "demo").unwrap();
    assert_eq!(s.chain().len(), 1, "the CA travels in the PKCS#12");
    let err = Signer::from_pkcs12(&p12, "wrong").unwrap_err();
    assert!(err.to_string().contains("wrong password"), "{err}");
    let err = Signer::from_pkcs12(b"not a pkcs12", "demo").unwrap_err();
    assert!(err.to_string().contains("not a PKCS#12"), "{err}");
    let ca = X509::from_pem(&std::fs::read(dir.path().join("demo-ca.pem")).unwrap()).unwrap();
    assert!(ca.subject_name().try_cmp(ca.issuer_name()).unwrap().is_eq());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("demo-filer.p12"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "private key file readable by others");
    }
    // The PKCS#12 is AES-encrypted (modern), as the openssl CLI reports without -legacy.
    let out = Command::new("openssl")
        .args(["pkcs12", "-info", "-noout", "-passin", "pass:demo", "-in"])
        .arg(dir.path().join("demo-filer.p12"))
        .output();
    if let Ok(out) = out {
        let info = String::from_utf8_lossy(&out.stderr).to_string()
            + &String::from_utf8_lossy(&out.stdout);
        assert!(info.contains("AES-256-CBC"), "{info}");
    }
}

#[test]
fn loads_legacy_rc2_3des_pkcs12() {
    let pki = demo();
    let dir = tempfile::tempdir().unwrap();
    let cert = write(
        dir.path(),
        "cert.pem",
        pki.filer_cert_pem().unwrap().as_bytes(),
    );
    let key = write(
        dir.path(),
        "key.pem",
        pki.filer_key_pem().unwrap().as_bytes(),
    );
    let ca = write(dir.path(), "ca.pem", pki.ca_pem().unwrap().as_bytes());
    let out = dir.path().join("legacy.p12");
    let status = Command::new("openssl")
        .args([
            "pkcs12",
            "-export",
            "-legacy",
            "-passout",
            "pass:staro geslo",
            "-in",
        ])
        .arg(&cert)
        .arg("-inkey")
        .arg(&key)
        .arg("-certfile")
        .arg(&ca)
        .arg("-out")
        .arg(&out)
        .output();
    let Ok(status) = status else {
        assert!(!require_corpus(), "openssl CLI missing");
        eprintln!("NOTICE: openssl CLI missing; legacy PKCS#12 test skipped");
        return;
    };
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let info = Command::new("openssl")
        .args([
            "pkcs12",
            "-info",
            "-noout",
            "-legacy",
            "-passin",
            "pass:staro geslo",
            "-in",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let info =
        String::from_utf8_lossy(&info.stderr).to_string() + &String::from_utf8_lossy(&info.stdout);
    assert!(
        info.contains("RC2") || info.contains("3DES") || info.contains("TripleDES"),
        "{info}"
    );

    let der = std::fs::read(&out).unwrap();
    // Without the legacy provider OpenSSL 3 cannot decrypt this (stack.md C.2). Only a notice:
    // another test in the same process may already have loaded the provider.
    if let Err(e) = openssl::pkcs12::Pkcs12::from_der(&der).and_then(|p| p.parse2("staro geslo")) {
        eprintln!("confirmed: the legacy PKCS#12 needs the legacy provider ({e})");
    }
    let signer = Signer::from_pkcs12(&der, "staro geslo").expect("legacy PKCS#12 loads");
    assert!(legacy_provider().is_some());
    assert_eq!(signer.subject(), "CN=DEMO filer, O=writ DEMO, C=SI");
    let signed = signer.sign_enveloped(SAMPLE.as_bytes(), now()).unwrap();
    verify(&signed, &chain_opts(&pki)).unwrap();
}

#[test]
fn password_sources() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "pw", b"skrivnost\n");
    assert_eq!(
        password_from_env_or_file(None, Some(&f)).unwrap(),
        "skrivnost"
    );
    let f2 = write(dir.path(), "pw2", b"a b \r\n");
    assert_eq!(password_from_env_or_file(None, Some(&f2)).unwrap(), "a b ");
    let f3 = write(dir.path(), "pw3", b"two\n\n");
    assert_eq!(password_from_env_or_file(None, Some(&f3)).unwrap(), "two\n");
    // An unset variable falls back to the file; with no file it is an error naming the variable.
    let var = "WRIT_SIGN_TEST_SURELY_UNSET_VARIABLE";
    assert_eq!(
        password_from_env_or_file(Some(var), Some(&f)).unwrap(),
        "skrivnost"
    );
    let err = password_from_env_or_file(Some(var), None).unwrap_err();
    assert!(err.to_string().contains(var), "{err}");
    // A set variable wins (PATH is always set in a test process).
    let path = std::env::var("PATH").unwrap();
    assert_eq!(
        password_from_env_or_file(Some("PATH"), Some(&f)).unwrap(),
        path
    );
    assert!(password_from_env_or_file(None, Some(&dir.path().join("missing"))).is_err());
    assert!(password_from_env_or_file(None, None).is_err());
}

// ---------------------------------------------------------------------------------------------
// Attacks on our own signatures

#[test]
fn wrapped_and_duplicated_content_is_rejected() {
    let pki = demo();
    let signer = signer_of(&pki);
    let xml = r#"<izv:OpisPosiljke xmlns:izv="http://sodisce.si/izvrsba" schemaVersion="1.1" Id="doc"><izv:Glava/><izv:Znesek>100.00</izv:Znesek></izv:OpisPosiljke>"#;
    let signed = String::from_utf8(signer.sign_enveloped(xml.as_bytes(), now()).unwrap()).unwrap();
    verify(signed.as_bytes(), &chain_opts(&pki)).unwrap();

    // 1. Move the signed document under a new root, with forged content next to it.
    let body = signed.trim_start_matches(|c| c != '<');
    let wrapped = format!(
        r#"<izv:Ovojnica xmlns:izv="http://sodisce.si/izvrsba">{body}<izv:Znesek>999999.00</izv:Znesek></izv:Ovojnica>"#
    );
    let err = verify(wrapped.as_bytes(), &chain_opts(&pki)).unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::DigestMismatch { .. } | VerifyError::Coverage(_)
        ),
        "{err}"
    );

    // 2. Move the signature out: a forged root that holds the signature and the original
    //    (now an ordinary element) — the URI="" reference no longer matches.
    let sig_start = signed.find("<ds:Signature").unwrap();
    let sig_end = signed.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let sig = &signed[sig_start..sig_end];
    let original = format!("{}{}", &signed[..sig_start], &signed[sig_end..]);
    let moved = format!(
        r#"<izv:Ovojnica xmlns:izv="http://sodisce.si/izvrsba">{original}{sig}</izv:Ovojnica>"#
    );
    assert!(verify(moved.as_bytes(), &crypto_only()).is_err());

    // 3. A second element with the SignedProperties' Id, planted where the document digest
    //    does not look (inside the signature, next to the original).
    let sp_id = {
        let k = "<xades:SignedProperties Id=\"";
        let s = signed.find(k).unwrap() + k.len();
        signed[s..s + signed[s..].find('"').unwrap()].to_owned()
    };
    let dup = signed.replace(
        "</ds:Signature>",
        &format!(r#"<ds:Object><xades:SignedProperties xmlns:xades="{XADES_NS}" Id="{sp_id}"/></ds:Object></ds:Signature>"#),
    );
    let err = verify(dup.as_bytes(), &crypto_only()).unwrap_err();
    assert!(matches!(err, VerifyError::DuplicateId { .. }), "{err}");
    // The same inside the signed content is caught by the document digest.
    let dup_in_content = signed.replace("<izv:Glava/>", &format!(r#"<izv:Glava Id="{sp_id}"/>"#));
    assert!(verify(dup_in_content.as_bytes(), &crypto_only()).is_err());

    // 4. A signature whose data reference points to an element by Id must cover the root: a
    //    reference to a wrapped copy of the root is refused (simulated with the root's own Id on
    //    an inner element after wrapping).
    let inner = signed.trim_start_matches(|c| c != '<');
    let rewrapped = format!(
        r#"<izv:Ovojnica xmlns:izv="http://sodisce.si/izvrsba" Id="x">{inner}</izv:Ovojnica>"#
    );
    assert!(verify(rewrapped.as_bytes(), &crypto_only()).is_err());
}

#[test]
fn reference_by_root_id_is_accepted_but_by_inner_id_is_not() {
    // Build signatures by hand with the signer's key: a reference to the root's Id covers the
    // document; a reference to an inner element's Id does not.
    let pki = demo();
    let make = |target: &str| -> Vec<u8> {
        let xml = format!(
            r##"<r xmlns="urn:t" Id="root"><a Id="inner">x</a><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#{target}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>DIGEST</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>VALUE</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature></r>"##,
            cert = openssl::base64::encode_block(&pki.filer.cert.to_der().unwrap()),
        );
        hand_sign(&xml, &pki.filer.key)
    };
    let v = verify(&make("root"), &chain_opts(&pki)).unwrap();
    assert_eq!(v.references[0].covers, "root element <r>");
    assert!(!v.xades_checked);
    // The inner element does not contain the signature, so the enveloped transform is misused;
    // without it the coverage rule refuses.
    assert!(verify(&make("inner"), &chain_opts(&pki)).is_err());
    let no_env = String::from_utf8(make("inner")).unwrap();
    let no_env = no_env.replace(
        r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>"#,
        "",
    );
    let resigned = hand_sign(&redigest_placeholder(&no_env), &pki.filer.key);
    let err = verify(&resigned, &chain_opts(&pki)).unwrap_err();
    assert!(matches!(err, VerifyError::Coverage(_)), "{err}");
}

/// Put placeholders back so `hand_sign` can fill them again.
fn redigest_placeholder(xml: &str) -> String {
    let cut = |s: &str, open: &str, close: &str, with: &str| {
        let a = s.find(open).unwrap() + open.len();
        let b = a + s[a..].find(close).unwrap();
        format!("{}{}{}", &s[..a], with, &s[b..])
    };
    let s = cut(xml, "<ds:DigestValue>", "</ds:DigestValue>", "DIGEST");
    cut(&s, "<ds:SignatureValue>", "</ds:SignatureValue>", "VALUE")
}

/// Fill `DIGEST` (one reference, computed by our own verifier's rules via C14N of the referenced
/// node set) and `VALUE` in a hand-written signature. Uses the crate internals on purpose.
fn hand_sign(xml: &str, key: &openssl::pkey::PKey<openssl::pkey::Private>) -> Vec<u8> {
    use super::c14n;
    let doc = c14n::parse(xml).unwrap();
    let sig = doc
        .descendants(doc.root())
        .into_iter()
        .find(|n| c14n::is_elem(&doc, *n, DSIG_NS, "Signature"))
        .unwrap();
    let r = doc
        .descendants(sig)
        .into_iter()
        .find(|n| c14n::is_elem(&doc, *n, DSIG_NS, "Reference"))
        .unwrap();
    let uri = c14n::attr(&doc, r, "URI").unwrap();
    let ids = c14n::id_map(&doc);
    let target = if uri.is_empty() {
        doc.root()
    } else {
        ids[&uri[1..]][0]
    };
    let mut set = if target == doc.root() {
        c14n::whole_document(&doc, false)
    } else {
        c14n::subtree(&doc, target, false)
    };
    if xml.contains("enveloped-signature") {
        set = c14n::without_subtree(&doc, &set, sig);
    }
    let bytes = c14n::canonicalize(&doc, C14nMode::Exclusive, &set, &[]).unwrap();
    let digest = openssl::base64::encode_block(&openssl::sha::sha256(&bytes));
    let xml = xml.replacen("DIGEST", &digest, 1);
    let doc = c14n::parse(&xml).unwrap();
    let si = doc
        .descendants(doc.root())
        .into_iter()
        .find(|n| c14n::is_elem(&doc, *n, DSIG_NS, "SignedInfo"))
        .unwrap();
    let si_bytes = c14n::canonicalize(
        &doc,
        C14nMode::Exclusive,
        &c14n::subtree(&doc, si, false),
        &[],
    )
    .unwrap();
    let mut s = openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), key).unwrap();
    let value = openssl::base64::encode_block(&s.sign_oneshot_to_vec(&si_bytes).unwrap());
    xml.replacen("VALUE", &value, 1).into_bytes()
}

#[test]
fn removing_signed_properties_reference_or_xades_parts_is_rejected() {
    let pki = demo();
    let signed = String::from_utf8(
        signer_of(&pki)
            .sign_enveloped(SAMPLE.as_bytes(), now())
            .unwrap(),
    )
    .unwrap();
    // Drop the SignedProperties reference: SignedInfo changes, so the signature breaks.
    let a = signed.find("<ds:Reference Type=").unwrap();
    let b = a + signed[a..].find("</ds:Reference>").unwrap() + "</ds:Reference>".len();
    let no_ref = format!("{}{}", &signed[..a], &signed[b..]);
    assert!(verify(no_ref.as_bytes(), &crypto_only()).is_err());
    // Re-signed without the SignedProperties reference (an attacker with the key would not need
    // this, but a broken signer might): QualifyingProperties without coverage are refused.
    let resigned = hand_sign(
        &redigest_placeholder(&redigest_like(&no_ref)),
        &pki.filer.key,
    );
    let err = verify(&resigned, &crypto_only()).unwrap_err();
    assert!(matches!(err, VerifyError::Xades(_)), "{err}");
    assert!(
        err.to_string()
            .contains("no reference covers SignedProperties"),
        "{err}"
    );
}

/// Our signature has `Id` attributes on Reference/SignatureValue; `hand_sign` only needs the
/// first DigestValue and the SignatureValue text replaced, which `redigest_placeholder` does
/// when the SignatureValue has no attributes.
fn redigest_like(xml: &str) -> String {
    let a = xml.find("<ds:SignatureValue").unwrap();
    let b = a + xml[a..].find('>').unwrap() + 1;
    format!("{}<ds:SignatureValue>{}", &xml[..a], &xml[b..])
}

#[test]
fn hmac_needs_key_and_full_length() {
    let Some(dir) = xmldsig_dir() else { return };
    let xml = std::fs::read(dir.join("merlin23_signature-enveloping-hmac-sha1.xml")).unwrap();
    assert!(matches!(
        verify(&xml, &crypto_only()),
        Err(VerifyError::HmacKeyMissing)
    ));
    let wrong = VerifyOptions {
        hmac_key: Some(b"wrong".to_vec()),
        ..VerifyOptions::crypto_only()
    };
    assert!(matches!(
        verify(&xml, &wrong),
        Err(VerifyError::BadSignature)
    ));
}

#[test]
fn refuses_xpath_and_xslt_transforms() {
    let pki = demo();
    let signed = String::from_utf8(
        signer_of(&pki)
            .sign_enveloped(SAMPLE.as_bytes(), now())
            .unwrap(),
    )
    .unwrap();
    for t in [
        "http://www.w3.org/TR/1999/REC-xpath-19991116",
        "http://www.w3.org/TR/1999/REC-xslt-19991116",
        "http://www.w3.org/2002/06/xmldsig-filter2",
    ] {
        let bad = signed.replacen(
            r#"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>"#,
            &format!(r#"<ds:Transform Algorithm="{t}"/>"#),
            1,
        );
        let err = verify(bad.as_bytes(), &crypto_only()).unwrap_err();
        assert!(matches!(err, VerifyError::ForbiddenTransform(_)), "{err}");
    }
}

#[test]
fn schema_errors_are_named() {
    let pki = demo();
    let signed = String::from_utf8(
        signer_of(&pki)
            .sign_enveloped(SAMPLE.as_bytes(), now())
            .unwrap(),
    )
    .unwrap();
    let a = signed.find("<ds:SignatureValue").unwrap();
    let b = signed.find("</ds:SignatureValue>").unwrap() + "</ds:SignatureValue>".len();
    let no_value = format!("{}{}", &signed[..a], &signed[b..]);
    let err = verify(no_value.as_bytes(), &crypto_only()).unwrap_err();
    assert!(matches!(err, VerifyError::Schema(_)), "{err}");
    assert!(err.to_string().contains("SignatureValue"), "{err}");

    let a = signed.find("<ds:DigestValue>").unwrap();
    let b = signed.find("</ds:DigestValue>").unwrap() + "</ds:DigestValue>".len();
    let no_digest = format!("{}{}", &signed[..a], &signed[b..]);
    let err = verify(no_digest.as_bytes(), &crypto_only()).unwrap_err();
    assert!(matches!(err, VerifyError::Schema(_)), "{err}");
    assert!(err.to_string().contains("DigestValue"), "{err}");

    let doctype = format!(
        "<!DOCTYPE x [<!ENTITY e \"1\">]>{}",
        signed.trim_start_matches(|c| c != '\n')
    );
    assert!(matches!(
        verify(doctype.as_bytes(), &crypto_only()),
        Err(VerifyError::Xml(_))
    ));
    assert!(matches!(
        verify(SAMPLE.as_bytes(), &crypto_only()),
        Err(VerifyError::NoSignature)
    ));
}

/// Signatures made by xmlsec1 (the reference implementation) over the demo filer key, in every
/// C14N flavour and with comments, PrefixList and XPointer URIs, must verify with us; changing
/// text (and, where comments are signed, a comment) must break them.
#[test]
fn xmlsec1_made_signatures_in_every_c14n_mode_verify() {
    if !have_xmlsec1() {
        return;
    }
    const C14N: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
    const C14N_C: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
    const C14N11: &str = "http://www.w3.org/2006/12/xml-c14n11";
    const C14N11_C: &str = "http://www.w3.org/2006/12/xml-c14n11#WithComments";
    const EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
    const EXC_C: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
    const PREFIXES: &str = r##"<ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="#default x"/>"##;
    struct Mode {
        si: &'static str,
        si_inner: &'static str,
        uri: &'static str,
        reference: &'static str,
        ref_inner: &'static str,
        method: &'static str,
        digest: &'static str,
        comments_signed: bool,
    }
    let modes = [
        Mode {
            si: C14N,
            si_inner: "",
            uri: "#xpointer(/)",
            reference: C14N_C,
            ref_inner: "",
            method: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            digest: "http://www.w3.org/2001/04/xmlenc#sha256",
            comments_signed: true,
        },
        Mode {
            si: C14N_C,
            si_inner: "",
            uri: "",
            reference: C14N11_C,
            ref_inner: "",
            method: "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
            digest: "http://www.w3.org/2000/09/xmldsig#sha1",
            comments_signed: false,
        },
        Mode {
            si: EXC,
            si_inner: PREFIXES,
            uri: "#d",
            reference: EXC,
            ref_inner: PREFIXES,
            method: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
            digest: "http://www.w3.org/2001/04/xmlenc#sha512",
            comments_signed: false,
        },
        Mode {
            si: C14N11,
            si_inner: "",
            uri: "#xpointer(id('d'))",
            reference: EXC_C,
            ref_inner: "",
            method: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            digest: "http://www.w3.org/2001/04/xmldsig-more#sha384",
            comments_signed: true,
        },
    ];
    let pki = demo();
    let dir = tempfile::tempdir().unwrap();
    let key = write(
        dir.path(),
        "key.pem",
        pki.filer_key_pem().unwrap().as_bytes(),
    );
    let cert = write(
        dir.path(),
        "cert.pem",
        pki.filer_cert_pem().unwrap().as_bytes(),
    );
    let keyspec = format!("{},{}", key.display(), cert.display());
    for (i, m) in modes.iter().enumerate() {
        let tmpl = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- before -->
<doc xmlns="urn:doc" xmlns:x="urn:x" Id="d"><!-- inner comment --><x:a attr="1">besedilo čšž</x:a>
<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="{si}">{si_inner}</ds:CanonicalizationMethod><ds:SignatureMethod Algorithm="{method}"/><ds:Reference URI="{uri}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="{reference}">{ref_inner}</ds:Transform></ds:Transforms><ds:DigestMethod Algorithm="{digest}"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature></doc>
"#,
            si = m.si,
            si_inner = m.si_inner,
            method = m.method,
            uri = m.uri,
            reference = m.reference,
            ref_inner = m.ref_inner,
            digest = m.digest,
        );
        let t = write(dir.path(), &format!("t{i}.xml"), tmpl.as_bytes());
        let out = dir.path().join(format!("s{i}.xml"));
        let r = Command::new("xmlsec1")
            .args([
                "--sign",
                "--privkey-pem",
                &keyspec,
                "--id-attr:Id",
                "urn:doc:doc",
                "--output",
            ])
            .arg(&out)
            .arg(&t)
            .output()
            .unwrap();
        assert!(
            r.status.success(),
            "xmlsec1 --sign mode {i}: {}",
            String::from_utf8_lossy(&r.stderr)
        );
        let signed = std::fs::read(&out).unwrap();
        let v = verify(&signed, &chain_opts(&pki)).unwrap_or_else(|e| panic!("mode {i}: {e}"));
        assert_eq!(v.signature_algorithm, m.method);
        assert_eq!(v.canonicalization, m.si);
        let text = tamper(&signed, "<x:a", "besedilo", "Besedilo");
        assert!(
            matches!(
                verify(&text, &crypto_only()),
                Err(VerifyError::DigestMismatch { .. })
            ),
            "mode {i}"
        );
        let comment = tamper(&signed, "<!--", "inner", "outer");
        assert_eq!(
            verify(&comment, &crypto_only()).is_err(),
            m.comments_signed,
            "mode {i}: comment change"
        );
    }
}

/// XAdES signatures made by xmlsec1 over SignedProperties we write by hand: core XML-DSig is valid
/// in every case, so only our XAdES checks decide.
#[test]
fn xades_signing_certificate_binding_with_xmlsec1_made_signatures() {
    if !have_xmlsec1() {
        return;
    }
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        assert!(content.len() < 0x10000);
        let mut out = vec![tag];
        if content.len() < 0x80 {
            out.push(content.len() as u8);
        } else if content.len() < 0x100 {
            out.extend([0x81, content.len() as u8]);
        } else {
            out.extend([0x82, (content.len() >> 8) as u8, content.len() as u8]);
        }
        out.extend_from_slice(content);
        out
    }
    let pki = demo();
    let filer = &pki.filer.cert;
    let b64 = |d: &[u8]| openssl::base64::encode_block(d);
    let sha256 = |d: &[u8]| b64(&openssl::sha::sha256(d));
    let der = filer.to_der().unwrap();
    let good_v2 = b64(&issuer_serial_v2_der(filer).unwrap());
    let wrong_serial = b64(&issuer_serial_v2_der(&pki.ca.cert).unwrap()); // same issuer, other serial
    let wrong_issuer = {
        let mut other = openssl::x509::X509NameBuilder::new().unwrap();
        other.append_entry_by_text("CN", "Someone else").unwrap();
        let name = other.build().to_der().unwrap();
        let serial = filer.serial_number().to_bn().unwrap().to_vec();
        let serial = if serial[0] & 0x80 != 0 {
            [&[0u8][..], &serial].concat()
        } else {
            serial
        };
        let body = [tlv(0x30, &tlv(0xA4, &name)), tlv(0x02, &serial)].concat();
        b64(&tlv(0x30, &body))
    };
    let serial_dec = filer
        .serial_number()
        .to_bn()
        .unwrap()
        .to_dec_str()
        .unwrap()
        .to_string();
    let v2 = |digest: &str, is: &str| {
        format!(
            r#"<xades:SigningCertificateV2><xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>{digest}</ds:DigestValue></xades:CertDigest><xades:IssuerSerialV2>{is}</xades:IssuerSerialV2></xades:Cert></xades:SigningCertificateV2>"#
        )
    };
    let v1 = |dn: &str| {
        format!(
            r#"<xades:SigningCertificate><xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>{}</ds:DigestValue></xades:CertDigest><xades:IssuerSerial><ds:X509IssuerName>{dn}</ds:X509IssuerName><ds:X509SerialNumber>{serial_dec}</ds:X509SerialNumber></xades:IssuerSerial></xades:Cert></xades:SigningCertificate>"#,
            sha256(&der)
        )
    };
    let cases: Vec<(&str, String, Result<(), &str>)> = vec![
        ("V2 correct", v2(&sha256(&der), &good_v2), Ok(())),
        (
            "V2 wrong serial",
            v2(&sha256(&der), &wrong_serial),
            Err("serial"),
        ),
        (
            "V2 wrong issuer",
            v2(&sha256(&der), &wrong_issuer),
            Err("issuer does not match"),
        ),
        (
            "V2 wrong digest",
            v2(&sha256(b"other"), &good_v2),
            Err("no CertDigest matches"),
        ),
        (
            "V1 correct (RFC 4514 DN)",
            v1("CN=writ DEMO CA,O=writ DEMO,C=SI"),
            Ok(()),
        ),
        (
            "V1 correct (other order, spacing)",
            v1("c=SI, o=writ  DEMO, cn=writ DEMO CA"),
            Ok(()),
        ),
        (
            "V1 wrong issuer",
            v1("CN=Other CA,O=writ DEMO,C=SI"),
            Err("IssuerSerial issuer"),
        ),
        (
            "no signing certificate",
            String::new(),
            Err("name no signing certificate"),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let key = write(
        dir.path(),
        "key.pem",
        pki.filer_key_pem().unwrap().as_bytes(),
    );
    let cert = write(
        dir.path(),
        "cert.pem",
        pki.filer_cert_pem().unwrap().as_bytes(),
    );
    let keyspec = format!("{},{}", key.display(), cert.display());
    for (i, (label, sc, expect)) in cases.iter().enumerate() {
        let tmpl = format!(
            r##"<izv:OpisPosiljke xmlns:izv="http://sodisce.si/izvrsba" schemaVersion="1.1"><izv:Glava/><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="S"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference><ds:Reference Type="http://uri.etsi.org/01903#SignedProperties" URI="#SP"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo><ds:Object><xades:QualifyingProperties xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Target="#S"><xades:SignedProperties Id="SP"><xades:SignedSignatureProperties><xades:SigningTime>2026-01-02T03:04:05Z</xades:SigningTime>{sc}</xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties></ds:Object></ds:Signature></izv:OpisPosiljke>"##
        );
        let t = write(dir.path(), &format!("x{i}.xml"), tmpl.as_bytes());
        let out = dir.path().join(format!("xs{i}.xml"));
        let r = Command::new("xmlsec1")
            .args([
                "--sign",
                "--privkey-pem",
                &keyspec,
                XADES_ID_ATTR,
                XADES_SP,
                "--output",
            ])
            .arg(&out)
            .arg(&t)
            .output()
            .unwrap();
        assert!(
            r.status.success(),
            "{label}: {}",
            String::from_utf8_lossy(&r.stderr)
        );
        let signed = std::fs::read(&out).unwrap();
        match (verify(&signed, &chain_opts(&pki)), expect) {
            (Ok(v), Ok(())) => {
                assert!(v.xades_checked, "{label}");
                assert_eq!(
                    v.signing_time,
                    Some(Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap())
                );
            }
            (Err(e), Err(why)) => {
                assert!(matches!(e, VerifyError::Xades(_)), "{label}: {e}");
                assert!(e.to_string().contains(why), "{label}: {e}");
            }
            (got, _) => panic!("{label}: unexpected {got:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Third-party vectors

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Accept,
    /// Reject with an error whose Display contains this text.
    Reject(&'static str),
}

struct Case {
    file: &'static str,
    label: &'static str,
    opts: VerifyOptions,
    expect: Expect,
    /// xmlsec1 arguments and the result the corpus README records for them.
    xmlsec1: Option<(Vec<String>, bool)>,
}

fn pem(dir: &Path, name: &str) -> X509 {
    X509::from_pem(&std::fs::read(dir.join("certs").join(name)).unwrap()).unwrap()
}

#[test]
fn corpus_verdicts() {
    let Some(dir) = xmldsig_dir() else { return };
    let certs = dir.join("certs");
    let tmp = tempfile::tempdir().unwrap();
    let hmac_file = write(tmp.path(), "hmac-key", b"secret");
    let hmac_key = std::fs::read(&hmac_file).unwrap();
    assert_eq!(hmac_key, b"secret");
    let cert_path = |n: &str| certs.join(n).to_string_lossy().into_owned();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();

    let chain = |cas: Vec<X509>, at: Option<DateTime<Utc>>| VerifyOptions {
        trusted_cas: cas,
        at,
        check_chain: true,
        hmac_key: None,
    };
    let hmac = VerifyOptions {
        hmac_key: Some(hmac_key.clone()),
        ..VerifyOptions::crypto_only()
    };
    let aleksey_ca = pem(&dir, "aleksey-xmldsig-01_cacert.pem");
    let phaos_ca = pem(&dir, "phaos_rsa-ca-cert.pem");
    let tr2012 =
        X509::from_der(&std::fs::read(certs.join("tr2012_rsa-cert.der")).unwrap()).unwrap();
    let dss_ca = {
        // The DSS file carries its CA as the second KeyInfo certificate.
        let text = std::fs::read_to_string(dir.join("xades_dss-signed.xml")).unwrap();
        let k = "<ds:X509Certificate>";
        let second = text.match_indices(k).nth(1).unwrap().0 + k.len();
        let end = second + text[second..].find("</ds:X509Certificate>").unwrap();
        X509::from_der(&openssl::base64::decode_block(&text[second..end]).unwrap()).unwrap()
    };

    let cases = vec![
        Case {
            file: "merlin23_signature-enveloping-rsa.xml",
            label: "crypto only",
            opts: crypto_only(),
            expect: Expect::Accept,
            xmlsec1: Some((vec![], true)),
        },
        Case {
            file: "merlin23_signature-enveloping-hmac-sha1.xml",
            label: "HMAC key file `secret`",
            opts: hmac.clone(),
            expect: Expect::Accept,
            xmlsec1: Some((s(&["--hmackey", hmac_file.to_str().unwrap()]), true)),
        },
        Case {
            file: "merlin23_signature-enveloping-hmac-sha1.xml",
            label: "no HMAC key",
            opts: crypto_only(),
            expect: Expect::Reject("no HMAC key was given"),
            xmlsec1: None,
        },
        Case {
            file: "merlin23_signature-enveloping-hmac-sha1-40.xml",
            label: "HMAC key file `secret`",
            opts: hmac.clone(),
            expect: Expect::Reject("truncated to 40 bits"),
            xmlsec1: Some((s(&["--hmackey", hmac_file.to_str().unwrap()]), false)),
        },
        Case {
            file: "aleksey_enveloped-sha256-rsa-sha256-test-1.xml",
            label: "chain: aleksey-enveloped_cacert.pem, now",
            opts: chain(vec![pem(&dir, "aleksey-enveloped_cacert.pem")], None),
            expect: Expect::Accept,
            xmlsec1: Some((
                s(&[
                    "--id-attr:ID",
                    "parent",
                    "--trusted-pem",
                    &cert_path("aleksey-enveloped_cacert.pem"),
                ]),
                true,
            )),
        },
        Case {
            file: "aleksey_invalid_enveloped_transform.xml",
            label: "crypto only",
            opts: crypto_only(),
            expect: Expect::Reject("does not contain the signature"),
            xmlsec1: Some((s(&["--insecure"]), false)),
        },
        Case {
            file: "aleksey_enveloping-expired-cert.xml",
            label: "chain: aleksey-xmldsig-01_cacert.pem, now",
            opts: chain(vec![aleksey_ca.clone()], None),
            expect: Expect::Reject("is not valid at"),
            xmlsec1: Some((
                s(&["--trusted-pem", &cert_path("aleksey-xmldsig-01_cacert.pem")]),
                false,
            )),
        },
        Case {
            file: "aleksey_enveloping-expired-cert.xml",
            label: "chain: aleksey CA, at 2014-05-24T00:00Z",
            opts: chain(vec![aleksey_ca.clone()], Some(utc(2014, 5, 24))),
            expect: Expect::Accept,
            xmlsec1: Some((
                s(&[
                    "--trusted-pem",
                    &cert_path("aleksey-xmldsig-01_cacert.pem"),
                    "--verification-time",
                    "2014-05-24+00:00:00",
                ]),
                true,
            )),
        },
        Case {
            file: "aleksey_enveloping-expired-cert.xml",
            label: "crypto only",
            opts: crypto_only(),
            expect: Expect::Accept,
            xmlsec1: Some((s(&["--insecure"]), true)),
        },
        Case {
            file: "tr2012_signature-enveloping-sha256-rsa-sha256.xml",
            label: "crypto only (RSAKeyValue)",
            opts: crypto_only(),
            expect: Expect::Accept,
            xmlsec1: Some((vec![], true)),
        },
        Case {
            file: "tr2012_signature-enveloping-sha256-rsa-sha256.xml",
            label: "chain: key pinned to tr2012_rsa-cert.der, at 2005-01-01",
            opts: chain(vec![tr2012.clone()], Some(utc(2005, 1, 1))),
            expect: Expect::Accept,
            xmlsec1: None,
        },
        Case {
            file: "tr2012_signature-enveloping-sha256-rsa-sha256.xml",
            label: "chain: bare key, unrelated trusted CA",
            opts: chain(vec![aleksey_ca.clone()], None),
            expect: Expect::Reject("bare RSA key"),
            xmlsec1: None,
        },
        Case {
            file: "phaos_signature-rsa-enveloped.xml",
            label: "crypto only",
            opts: crypto_only(),
            expect: Expect::Accept,
            xmlsec1: Some((s(&["--insecure"]), true)),
        },
        Case {
            file: "phaos_signature-rsa-enveloped.xml",
            label: "chain: phaos CA, at 2002-06-01",
            opts: chain(vec![phaos_ca.clone()], Some(utc(2002, 6, 1))),
            expect: Expect::Accept,
            xmlsec1: Some((
                s(&[
                    "--trusted-pem",
                    &cert_path("phaos_rsa-ca-cert.pem"),
                    "--verification-time",
                    "2002-06-01+00:00:00",
                ]),
                true,
            )),
        },
        Case {
            file: "phaos_signature-rsa-enveloped.xml",
            label: "chain: phaos CA, now",
            opts: chain(vec![phaos_ca.clone()], None),
            expect: Expect::Reject("is not valid at"),
            xmlsec1: None,
        },
        Case {
            file: "phaos_signature-rsa-enveloped-bad-sig.xml",
            label: "crypto only",
            opts: crypto_only(),
            expect: Expect::Reject("not schema-valid"),
            xmlsec1: Some((s(&["--insecure"]), false)),
        },
        Case {
            file: "xades_dss-signed.xml",
            label: "crypto + XAdES",
            opts: crypto_only(),
            expect: Expect::Accept,
            xmlsec1: Some((s(&["--insecure", "--id-attr:Id", "SignedProperties"]), true)),
        },
        Case {
            file: "xades_dss-signed.xml",
            label: "chain: its own CA cert, at 2019-02-19",
            opts: chain(vec![dss_ca.clone()], Some(utc(2019, 2, 19))),
            expect: Expect::Accept,
            xmlsec1: None,
        },
        Case {
            file: "xades_dss-signed.xml",
            label: "chain: its own CA cert, now",
            opts: chain(vec![dss_ca.clone()], None),
            expect: Expect::Reject("is not valid at"),
            xmlsec1: None,
        },
        Case {
            file: "xades_dss-signed-altered-signedPropsRemoved.xml",
            label: "crypto + XAdES",
            opts: crypto_only(),
            expect: Expect::Reject("signature value does not match"),
            xmlsec1: Some((
                s(&["--insecure", "--id-attr:Id", "SignedProperties"]),
                false,
            )),
        },
        Case {
            file: "xades_nonconformant-dss-signed-altered-refRemoved.xml",
            label: "crypto + XAdES",
            opts: crypto_only(),
            expect: Expect::Reject("signature value does not match"),
            xmlsec1: Some((
                s(&["--insecure", "--id-attr:Id", "SignedProperties"]),
                false,
            )),
        },
        Case {
            file: "xades_sign-cert-v2-wrong-issuer-serial.xml",
            label: "crypto + XAdES",
            opts: crypto_only(),
            expect: Expect::Reject("IssuerSerialV2"),
            // Core XML-DSig passes in xmlsec1: the XAdES trap.
            xmlsec1: Some((s(&["--insecure", "--id-attr:Id", "SignedProperties"]), true)),
        },
    ];

    // Every vector in the folder has at least one row.
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".xml"))
        .collect();
    files.sort();
    for f in &files {
        assert!(cases.iter().any(|c| c.file == f), "no verdict row for {f}");
    }

    let xmlsec = have_xmlsec1();
    let mut failures = Vec::new();
    println!(
        "\n{:<52} {:<52} {:<8} {:<8} detail",
        "vector", "options", "expect", "got"
    );
    for c in &cases {
        let xml = std::fs::read(dir.join(c.file)).unwrap();
        let got = verify(&xml, &c.opts);
        let (verdict, detail) = match &got {
            Ok(v) => (
                "ACCEPT",
                format!(
                    "{:?}, key {:?}, refs {}, xades {}, chain {}{}",
                    v.kind,
                    v.key_source,
                    v.references.len(),
                    v.xades_checked,
                    v.chain_checked,
                    v.signing_time
                        .map(|t| format!(", signed {t}"))
                        .unwrap_or_default()
                ),
            ),
            Err(e) => ("REJECT", e.to_string()),
        };
        let expect = match c.expect {
            Expect::Accept => "ACCEPT",
            Expect::Reject(_) => "REJECT",
        };
        println!(
            "{:<52} {:<52} {:<8} {:<8} {}",
            c.file, c.label, expect, verdict, detail
        );
        let ok = match (c.expect, &got) {
            (Expect::Accept, Ok(_)) => true,
            (Expect::Reject(why), Err(e)) => e.to_string().contains(why),
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{} [{}]: expected {:?}, got {}",
                c.file, c.label, c.expect, detail
            ));
        }
        if xmlsec && let Some((args, expected)) = &c.xmlsec1 {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let accepted = xmlsec1_verify(&args, &dir.join(c.file));
            if accepted != *expected {
                failures.push(format!(
                    "xmlsec1 {args:?} {}: got {accepted}, README says {expected}",
                    c.file
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Details the table does not show.
    let v = verify(
        &std::fs::read(dir.join("xades_dss-signed.xml")).unwrap(),
        &crypto_only(),
    )
    .unwrap();
    assert!(v.xades_checked);
    assert_eq!(
        v.signing_time,
        Some(Utc.with_ymd_and_hms(2019, 2, 19, 12, 29, 1).unwrap())
    );
    assert_eq!(v.references[0].covers, "document");
    let v = verify(
        &std::fs::read(dir.join("aleksey_enveloped-sha256-rsa-sha256-test-1.xml")).unwrap(),
        &crypto_only(),
    )
    .unwrap();
    assert_eq!(v.canonicalization, "http://www.w3.org/2006/12/xml-c14n11");
    assert_eq!(v.references[0].covers, "root element <parent>");
}

fn have_xmllint() -> bool {
    let ok = Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            !require_corpus(),
            "xmllint not found (apt-get install libxml2-utils)"
        );
        eprintln!("NOTICE: xmllint not found; skipping");
    }
    ok
}

/// The banks' signed IzvrsbeXml samples (inclusive C14N 1.0, RSA-SHA1, `URI=""` + enveloped)
/// carry a placeholder DigestValue (the same value in every sample) and no key, so they must be
/// rejected as changed. The node set we digest is checked byte for byte against xmllint's
/// inclusive C14N of the same document with the signature cut out and comments removed.
#[test]
fn signed_zbs_samples_inclusive_c14n_matches_xmllint() {
    let dir = corpus_dir().join("zbs-izvrsbexml");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        assert!(!require_corpus(), "{} missing", dir.display());
        eprintln!("NOTICE: {} missing; skipping", dir.display());
        return;
    };
    let xmllint = have_xmllint();
    let tmp = tempfile::tempdir().unwrap();
    let mut seen = 0;
    for e in entries.flatten() {
        let p = e.path();
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        let (Some(a), Some(b)) = (
            text.find("<dSignature:Signature>"),
            text.find("</dSignature:Signature>"),
        ) else {
            continue;
        };
        seen += 1;
        let err = verify(text.as_bytes(), &crypto_only()).unwrap_err();
        assert!(
            matches!(err, VerifyError::DigestMismatch { .. }),
            "{}: {err}",
            p.display()
        );

        // Our bytes: the URI="" node set minus the signature, inclusive C14N 1.0.
        let ours = {
            use super::c14n;
            let doc = c14n::parse(&text).unwrap();
            let sig = doc
                .descendants(doc.root())
                .into_iter()
                .find(|n| c14n::is_elem(&doc, *n, DSIG_NS, "Signature"))
                .unwrap();
            let set = c14n::without_subtree(&doc, &c14n::whole_document(&doc, false), sig);
            c14n::canonicalize(&doc, C14nMode::Inclusive, &set, &[]).unwrap()
        };
        if !xmllint {
            continue;
        }
        let mut cut = format!(
            "{}{}",
            &text[..a],
            &text[b + "</dSignature:Signature>".len()..]
        );
        while let Some(c) = cut.find("<!--") {
            let end = c + cut[c..].find("-->").unwrap() + 3;
            cut.replace_range(c..end, "");
        }
        let f = write(tmp.path(), "cut.xml", cut.as_bytes());
        let out = Command::new("xmllint")
            .arg("--c14n")
            .arg(&f)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(
            out.stdout == ours,
            "{}: canonical bytes differ from xmllint",
            p.display()
        );
    }
    assert!(
        seen >= 4 || !require_corpus(),
        "expected the 4 signed ZBS samples, found {seen}"
    );
}

// ---------------------------------------------------------------------------------------------
// Properties

mod props {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn shared() -> &'static (DemoPki, Signer) {
        static S: OnceLock<(DemoPki, Signer)> = OnceLock::new();
        S.get_or_init(|| {
            let pki = demo();
            let s = pki.filer_signer().unwrap();
            (pki, s)
        })
    }

    fn doc_with(text: &str, attr: &str) -> String {
        format!(
            r#"<izv:OpisPosiljke xmlns:izv="http://sodisce.si/izvrsba" schemaVersion="1.1"><izv:Opis a="{}">{}</izv:Opis></izv:OpisPosiljke>"#,
            quick_xml::escape::escape(attr),
            quick_xml::escape::escape(text)
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// Any text (including č, š, ž, markup characters and whitespace) signs and verifies, and
        /// changing it breaks the signature.
        #[test]
        fn any_content_round_trips_and_tampering_fails(
            text in "[ -~čšžČŠŽ\t\n]{0,40}",
            attr in "[ -~čšž]{0,20}",
        ) {
            let (pki, signer) = shared();
            let xml = doc_with(&text, &attr);
            let signed = signer.sign_enveloped(xml.as_bytes(), now()).unwrap();
            prop_assert!(verify(&signed, &chain_opts(pki)).is_ok());
            let changed = doc_with(&format!("{text}x"), &attr);
            let signed_s = String::from_utf8(signed).unwrap();
            let forged = signed_s.replacen(&xml[..xml.len() - "</izv:OpisPosiljke>".len()], &changed[..changed.len() - "</izv:OpisPosiljke>".len()], 1);
            prop_assert!(verify(forged.as_bytes(), &chain_opts(pki)).is_err());
        }
    }
}

/// Errors go through `anyhow` and across threads; the signer is shared between workers.
#[test]
fn types_are_thread_safe_and_call_sites_compile() {
    fn error<T: std::error::Error + Send + Sync + 'static>() {}
    fn shared<T: Send + Sync>() {}
    error::<SignError>();
    error::<VerifyError>();
    shared::<Signer>();
    shared::<VerifyOptions>();
    shared::<VerifiedSignature>();
    // As the CLI calls it: a `String` variable name and an optional path.
    let var = String::from("WRIT_SIGN_TEST_SURELY_UNSET_VARIABLE");
    let file: Option<PathBuf> = None;
    assert!(super::keys::password_from_env_or_file(Some(&var), file.as_deref()).is_err());
}

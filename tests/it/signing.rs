//! `writ sign` and `writ verify` as a user runs them, checked against xmlsec1 and the corpus.

use std::path::Path;

use crate::support::*;

const DOC: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<izv:OpisPosiljke xmlns:izv="http://sodisce.si/izvrsba" schemaVersion="1.1"><izv:Glava><izv:Posiljatelj ime-naziv="" priimek-naziv="Energetika Primer d.o.o." davcna="12345679"/></izv:Glava><izv:Vsebina/></izv:OpisPosiljke>
"#;

fn verify_code(d: &Path, args: &[&str]) -> (i32, String) {
    let mut all = vec!["verify"];
    all.extend_from_slice(args);
    let o = run(d, &all);
    (
        o.status.code().unwrap_or(-1),
        format!("{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr)),
    )
}

#[test]
fn sign_then_verify_and_tampering_is_caught_by_writ_and_xmlsec1() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&run(d, &["init"]));
    let f = d.join("doc.xml");
    std::fs::write(&f, DOC).unwrap();
    ok(&run(d, &["sign", f.to_str().unwrap()]));
    let signed = d.join("doc.signed.xml");
    let (code, out) = verify_code(d, &[signed.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("VALID") && out.contains("DEMO"), "{out}");
    let ca = d.join("certs/demo-ca.pem");
    let xmlsec = have_tool("xmlsec1");
    if xmlsec {
        xmlsec1_verify(&ca, &signed).unwrap();
    }
    let text = std::fs::read_to_string(&signed).unwrap();
    let content = text.replacen("Energetika Primer", "Energetika Primes", 1);
    let time_at =
        text.find("<xades:SigningTime>").expect("SigningTime") + "<xades:SigningTime>".len();
    let mut time = text.clone();
    let digit = &text[time_at + 3..time_at + 4];
    time.replace_range(
        time_at + 3..time_at + 4,
        if digit == "9" { "8" } else { "9" },
    );
    for (name, bad) in [("content", content), ("SigningTime", time)] {
        let p = d.join(format!("tampered-{name}.xml"));
        std::fs::write(&p, bad).unwrap();
        let (code, out) = verify_code(d, &[p.to_str().unwrap()]);
        assert_eq!(code, 1, "writ must reject a changed {name}: {out}");
        assert!(out.contains("INVALID"), "{out}");
        if xmlsec {
            assert!(
                xmlsec1_verify(&ca, &p).is_err(),
                "xmlsec1 must reject a changed {name}"
            );
        }
    }
}

#[test]
fn without_a_trusted_ca_the_chain_check_fails_saying_how_to_add_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&run(d, &["init"]));
    let f = d.join("doc.xml");
    std::fs::write(&f, DOC).unwrap();
    ok(&run(d, &["sign", f.to_str().unwrap()]));
    std::fs::remove_dir_all(d.join("certs/trusted")).unwrap();
    let (code, out) = verify_code(d, &[d.join("doc.signed.xml").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("--trusted-ca"), "{out}");
    let (code, _) = verify_code(
        d,
        &["--no-chain", d.join("doc.signed.xml").to_str().unwrap()],
    );
    assert_eq!(code, 0);
}

#[test]
fn legacy_rc2_pkcs12_signs() {
    if !have_tool("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&run(d, &["init"]));
    let pem = d.join("certs/demo-filer.pem");
    let legacy = d.join("legacy.p12");
    let o = std::process::Command::new("openssl")
        .args(["pkcs12", "-export", "-legacy", "-in"])
        .arg(&pem)
        .arg("-out")
        .arg(&legacy)
        .args(["-passout", "pass:staro-geslo"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pw = d.join("pw.txt");
    std::fs::write(&pw, "staro-geslo\n").unwrap();
    let f = d.join("doc.xml");
    std::fs::write(&f, DOC).unwrap();
    ok(&run(
        d,
        &[
            "sign",
            f.to_str().unwrap(),
            "--p12",
            legacy.to_str().unwrap(),
            "--password-file",
            pw.to_str().unwrap(),
        ],
    ));
    let (code, out) = verify_code(d, &[d.join("doc.signed.xml").to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn every_xmldsig_vector_gets_its_stated_verdict_through_the_cli() {
    let Some(corpus) = corpus() else { return };
    let x = corpus.join("xmldsig");
    let c = |f: &str| x.join("certs").join(f).display().to_string();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = d.join("hmac.key");
    std::fs::write(&key, b"secret").unwrap();
    let key = key.display().to_string();
    let cases: Vec<(&str, Vec<String>, i32)> = vec![
        (
            "merlin23_signature-enveloping-rsa.xml",
            vec!["--no-chain".into()],
            0,
        ),
        (
            "merlin23_signature-enveloping-hmac-sha1.xml",
            vec!["--no-chain".into(), "--hmac-key".into(), key.clone()],
            0,
        ),
        (
            "merlin23_signature-enveloping-hmac-sha1.xml",
            vec!["--no-chain".into()],
            1,
        ),
        (
            "merlin23_signature-enveloping-hmac-sha1-40.xml",
            vec!["--no-chain".into(), "--hmac-key".into(), key.clone()],
            1,
        ),
        (
            "aleksey_enveloped-sha256-rsa-sha256-test-1.xml",
            vec!["--trusted-ca".into(), c("aleksey-enveloped_cacert.pem")],
            0,
        ),
        (
            "aleksey_invalid_enveloped_transform.xml",
            vec!["--no-chain".into()],
            1,
        ),
        (
            "aleksey_enveloping-expired-cert.xml",
            vec!["--trusted-ca".into(), c("aleksey-xmldsig-01_cacert.pem")],
            1,
        ),
        (
            "aleksey_enveloping-expired-cert.xml",
            vec![
                "--trusted-ca".into(),
                c("aleksey-xmldsig-01_cacert.pem"),
                "--at".into(),
                "2014-05-24T00:00:00Z".into(),
            ],
            0,
        ),
        (
            "tr2012_signature-enveloping-sha256-rsa-sha256.xml",
            vec!["--no-chain".into()],
            0,
        ),
        (
            "phaos_signature-rsa-enveloped.xml",
            vec!["--no-chain".into()],
            0,
        ),
        (
            "phaos_signature-rsa-enveloped.xml",
            vec![
                "--trusted-ca".into(),
                c("phaos_rsa-ca-cert.pem"),
                "--at".into(),
                "2002-06-01T00:00:00Z".into(),
            ],
            0,
        ),
        (
            "phaos_signature-rsa-enveloped-bad-sig.xml",
            vec!["--no-chain".into()],
            1,
        ),
        ("xades_dss-signed.xml", vec!["--no-chain".into()], 0),
        (
            "xades_dss-signed-altered-signedPropsRemoved.xml",
            vec!["--no-chain".into()],
            1,
        ),
        (
            "xades_nonconformant-dss-signed-altered-refRemoved.xml",
            vec!["--no-chain".into()],
            1,
        ),
        (
            "xades_sign-cert-v2-wrong-issuer-serial.xml",
            vec!["--no-chain".into()],
            1,
        ),
    ];
    let mut failures = vec![];
    for (file, opts, expected) in &cases {
        let mut args: Vec<&str> = opts.iter().map(String::as_str).collect();
        let path = x.join(file).display().to_string();
        args.push(&path);
        let (code, out) = verify_code(d, &args);
        if code != *expected {
            failures.push(format!(
                "{file} {opts:?}: expected exit {expected}, got {code}: {out}"
            ));
        }
        if *expected == 1 {
            assert!(
                out.lines()
                    .any(|l| l.starts_with("INVALID") && l.len() > path.len() + 12),
                "a rejection must say why: {out}"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

//! Signing keys: PKCS#12 loading (including legacy RC2/3DES exports), password sources, and the
//! checks a signing certificate must pass.

use std::path::Path;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use openssl::asn1::{Asn1Time, Asn1TimeRef};
use openssl::error::ErrorStack;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{Id, PKey, Private};
use openssl::provider::Provider;
use openssl::x509::{X509, X509KeyUsage, X509NameRef, X509Ref};

use super::dsig::DigestAlgorithm;
use super::error::SignError;

/// A private key with its certificate and chain, ready to sign.
pub struct Signer {
    key: PKey<Private>,
    cert: X509,
    chain: Vec<X509>,
    digest: DigestAlgorithm,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("subject", &self.subject())
            .field("chain_len", &self.chain.len())
            .field("digest", &self.digest)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Load a PKCS#12 (.p12/.pfx) file. Old exports encrypted with RC2-40 or 3DES need OpenSSL's
    /// legacy provider; it is loaded (once per process) and the file is parsed again.
    ///
    /// The key must be RSA of at least 2048 bits and belong to the certificate; a certificate with
    /// a key-usage extension must allow digitalSignature or nonRepudiation. Validity is checked
    /// against the signing time when signing.
    pub fn from_pkcs12(der: &[u8], password: &str) -> Result<Signer, SignError> {
        let p12 = Pkcs12::from_der(der)
            .map_err(|_| SignError::Pkcs12("the file is not a PKCS#12 (.p12/.pfx) file".into()))?;
        let parsed = match p12.parse2(password) {
            Ok(p) => p,
            Err(e) if is_mac_failure(&e) => return Err(wrong_password()),
            Err(first) => {
                // Typically "unsupported" for RC2-40/3DES exports: load the legacy provider, retry.
                if legacy_provider().is_none() {
                    return Err(SignError::Pkcs12(format!(
                        "{}; the OpenSSL legacy provider (needed for old RC2/3DES exports) could not be loaded",
                        reasons(&first)
                    )));
                }
                match p12.parse2(password) {
                    Ok(p) => p,
                    Err(e) if is_mac_failure(&e) => return Err(wrong_password()),
                    Err(e) => {
                        return Err(SignError::Pkcs12(format!(
                            "{} (also with the OpenSSL legacy provider)",
                            reasons(&e)
                        )));
                    }
                }
            }
        };
        let key = parsed
            .pkey
            .ok_or(SignError::Pkcs12Incomplete("private key"))?;
        let cert = parsed
            .cert
            .ok_or(SignError::Pkcs12Incomplete("certificate"))?;
        let chain: Vec<X509> = parsed
            .ca
            .map(|s| s.into_iter().collect())
            .unwrap_or_default();
        Self::new(key, cert, chain)
    }

    /// Build a signer from parts already in memory (e.g. PEM files).
    pub fn new(key: PKey<Private>, cert: X509, chain: Vec<X509>) -> Result<Signer, SignError> {
        let subject = name_to_string(cert.subject_name());
        if !cert.public_key()?.public_eq(&key) {
            return Err(SignError::KeyMismatch { subject });
        }
        if key.id() != Id::RSA {
            return Err(SignError::UnsupportedKey {
                subject,
                kind: format!("{:?}", key.id()),
            });
        }
        if key.bits() < 2048 {
            return Err(SignError::WeakKey {
                subject,
                bits: key.bits(),
            });
        }
        check_key_usage(&cert)?;
        // The leaf is sent first in KeyInfo; drop it from the chain if the PKCS#12 repeats it.
        let leaf_der = cert.to_der()?;
        let mut kept = Vec::with_capacity(chain.len());
        for c in chain {
            if c.to_der()? != leaf_der {
                kept.push(c);
            }
        }
        Ok(Signer {
            key,
            cert,
            chain: kept,
            digest: DigestAlgorithm::Sha256,
        })
    }

    /// Choose the digest for references and RSA signature (default SHA-256). SHA-1 is refused.
    pub fn with_digest(mut self, digest: DigestAlgorithm) -> Result<Signer, SignError> {
        if digest.is_weak() {
            return Err(SignError::WeakAlgorithm(digest.uri().into()));
        }
        self.digest = digest;
        Ok(self)
    }

    pub fn certificate(&self) -> &X509Ref {
        &self.cert
    }

    pub fn chain(&self) -> &[X509] {
        &self.chain
    }

    pub fn subject(&self) -> String {
        name_to_string(self.cert.subject_name())
    }

    /// The certificate's serial number in hex: the filer's identity in packages
    /// (`certificateSerial`) and at the court's exchange (whose documents are addressed to it).
    pub fn serial_hex(&self) -> Result<String, openssl::error::ErrorStack> {
        Ok(self.cert.serial_number().to_bn()?.to_hex_str()?.to_string())
    }

    pub fn digest_algorithm(&self) -> DigestAlgorithm {
        self.digest
    }

    pub(crate) fn private_key(&self) -> &PKey<Private> {
        &self.key
    }
}

fn is_mac_failure(e: &ErrorStack) -> bool {
    e.errors()
        .iter()
        .any(|e| e.reason() == Some("mac verify failure"))
}

fn wrong_password() -> SignError {
    SignError::Pkcs12("wrong password (the PKCS#12 integrity check failed)".into())
}

/// OpenSSL's reasons without file/line noise, e.g. "unsupported: …".
fn reasons(e: &ErrorStack) -> String {
    let r: Vec<&str> = e.errors().iter().filter_map(|e| e.reason()).collect();
    if r.is_empty() {
        e.to_string()
    } else {
        r.join(": ")
    }
}

/// OpenSSL 3's legacy provider (RC2, 3DES-era PBEs), loaded once and kept for the process.
/// `try_load(.., true)` keeps the default provider available next to it.
pub fn legacy_provider() -> Option<&'static Provider> {
    static LEGACY: OnceLock<Option<Provider>> = OnceLock::new();
    LEGACY
        .get_or_init(|| Provider::try_load(None, "legacy", true).ok())
        .as_ref()
}

/// Read the PKCS#12 password from an environment variable (by name) or a file; the variable wins
/// when both are given and it is set. One trailing newline (`\n` or `\r\n`) in the file is
/// stripped, nothing else.
pub fn password_from_env_or_file(
    env: Option<&str>,
    file: Option<&Path>,
) -> Result<String, SignError> {
    if let Some(var) = env {
        match std::env::var(var) {
            Ok(v) => return Ok(v),
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(SignError::Password(format!(
                    "environment variable {var} is not valid UTF-8"
                )));
            }
            Err(std::env::VarError::NotPresent) if file.is_none() => {
                return Err(SignError::Password(format!(
                    "environment variable {var} is not set"
                )));
            }
            Err(std::env::VarError::NotPresent) => {}
        }
    }
    let Some(path) = file else {
        return Err(SignError::Password(
            "no password source: name an environment variable or a file".into(),
        ));
    };
    let mut text = std::fs::read_to_string(path).map_err(|source| SignError::Io {
        path: path.to_owned(),
        source,
    })?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(text)
}

/// Refuse a certificate without digitalSignature/nonRepudiation when key usage is present.
pub(crate) fn check_key_usage(cert: &X509Ref) -> Result<(), SignError> {
    if let Some(ku) = cert.key_usage()
        && !ku.intersects(X509KeyUsage::DIGITAL_SIGNATURE | X509KeyUsage::NON_REPUDIATION)
    {
        return Err(SignError::KeyUsage {
            subject: name_to_string(cert.subject_name()),
            not_before: asn1_display(cert.not_before()),
            not_after: asn1_display(cert.not_after()),
        });
    }
    Ok(())
}

/// Refuse a certificate that is not valid at `at`, or may not sign.
pub(crate) fn check_certificate_for_signing(
    cert: &X509Ref,
    at: DateTime<Utc>,
) -> Result<(), SignError> {
    if !valid_at(cert, at)? {
        return Err(SignError::CertificateNotValid {
            subject: name_to_string(cert.subject_name()),
            not_before: asn1_display(cert.not_before()),
            not_after: asn1_display(cert.not_after()),
            at: at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        });
    }
    check_key_usage(cert)
}

/// notBefore <= at <= notAfter.
pub(crate) fn valid_at(
    cert: &X509Ref,
    at: DateTime<Utc>,
) -> Result<bool, openssl::error::ErrorStack> {
    let t = Asn1Time::from_unix(at.timestamp() as _)?;
    let after_start = cert.not_before().compare(&t)? != std::cmp::Ordering::Greater;
    let before_end = cert.not_after().compare(&t)? != std::cmp::Ordering::Less;
    Ok(after_start && before_end)
}

/// An ASN.1 time as a chrono UTC time.
pub(crate) fn asn1_to_chrono(t: &Asn1TimeRef) -> Option<DateTime<Utc>> {
    let epoch = Asn1Time::from_unix(0).ok()?;
    let d = epoch.diff(t).ok()?;
    DateTime::from_timestamp(i64::from(d.days) * 86_400 + i64::from(d.secs), 0)
}

pub(crate) fn asn1_display(t: &Asn1TimeRef) -> String {
    match asn1_to_chrono(t) {
        Some(dt) => dt.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        None => t.to_string(),
    }
}

/// A distinguished name in RFC 4514 order (most specific first), e.g.
/// `CN=writ DEMO CA, O=writ DEMO, C=SI`.
pub fn name_to_string(name: &X509NameRef) -> String {
    let mut parts: Vec<String> = name
        .entries()
        .map(|e| {
            let nid = e.object().nid();
            let key = nid
                .short_name()
                .map(str::to_owned)
                .unwrap_or_else(|_| e.object().to_string());
            let value = e
                .data()
                .to_string()
                .unwrap_or_else(|_| hex::encode(e.data().as_slice()));
            format!("{key}={}", escape_dn_value(&value))
        })
        .collect();
    parts.reverse();
    parts.join(", ")
}

fn escape_dn_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for (i, c) in v.chars().enumerate() {
        let edge = (i == 0 && (c == ' ' || c == '#')) || (i + 1 == v.chars().count() && c == ' ');
        if edge || matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

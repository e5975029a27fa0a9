//! Demo PKI for the embedded run, tests and the court simulator: a self-signed demo CA and
//! certificates issued by it. Nothing here is meant for real filings.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::stack::Stack;
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, KeyUsage, SubjectKeyIdentifier,
};
use openssl::x509::{X509, X509Builder, X509NameBuilder};

use super::error::SignError;
use super::keys::{Signer, name_to_string};

/// Subject CN of the demo CA.
pub const DEMO_CA_CN: &str = "writ DEMO CA";
/// Organisation of every demo certificate.
pub const DEMO_ORG: &str = "writ DEMO";
/// Subject CN of the demo filer.
pub const DEMO_FILER_CN: &str = "DEMO filer";

/// A certificate and its private key.
#[derive(Clone)]
pub struct CertifiedKey {
    pub cert: X509,
    pub key: PKey<Private>,
}

impl std::fmt::Debug for CertifiedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertifiedKey")
            .field("subject", &self.subject())
            .finish_non_exhaustive()
    }
}

impl CertifiedKey {
    pub fn subject(&self) -> String {
        name_to_string(self.cert.subject_name())
    }

    pub fn cert_pem(&self) -> Result<String, SignError> {
        Ok(String::from_utf8_lossy(&self.cert.to_pem()?).into_owned())
    }

    /// Unencrypted PKCS#8 PEM.
    pub fn key_pem(&self) -> Result<String, SignError> {
        Ok(String::from_utf8_lossy(&self.key.private_key_to_pem_pkcs8()?).into_owned())
    }

    /// PKCS#12 with AES-256-CBC (PBES2/PBKDF2) for key and certificates and a SHA-256 MAC;
    /// `chain` is stored as the CA certificates.
    pub fn p12(
        &self,
        password: &str,
        friendly_name: &str,
        chain: &[X509],
    ) -> Result<Vec<u8>, SignError> {
        let mut builder = Pkcs12::builder();
        builder
            .name(friendly_name)
            .pkey(&self.key)
            .cert(&self.cert)
            .key_algorithm(Nid::AES_256_CBC)
            .cert_algorithm(Nid::AES_256_CBC)
            .mac_md(MessageDigest::sha256());
        if !chain.is_empty() {
            let mut stack = Stack::new()?;
            for c in chain {
                stack.push(c.clone())?;
            }
            builder.ca(stack);
        }
        Ok(builder.build2(password)?.to_der()?)
    }
}

/// The demo CA and the demo filer certificate it issued.
#[derive(Debug, Clone)]
pub struct DemoPki {
    pub ca: CertifiedKey,
    pub filer: CertifiedKey,
}

impl DemoPki {
    pub fn ca_pem(&self) -> Result<String, SignError> {
        self.ca.cert_pem()
    }

    /// The filer's key, certificate and the CA certificate as PKCS#12 (AES).
    pub fn filer_p12(&self, password: &str) -> Result<Vec<u8>, SignError> {
        self.filer
            .p12(password, DEMO_FILER_CN, std::slice::from_ref(&self.ca.cert))
    }

    pub fn filer_cert_pem(&self) -> Result<String, SignError> {
        self.filer.cert_pem()
    }

    pub fn filer_key_pem(&self) -> Result<String, SignError> {
        self.filer.key_pem()
    }

    /// A signer for the demo filer (chain = the demo CA).
    pub fn filer_signer(&self) -> Result<Signer, SignError> {
        Signer::new(
            self.filer.key.clone(),
            self.filer.cert.clone(),
            vec![self.ca.cert.clone()],
        )
    }

    /// Write `demo-ca.pem`, `demo-filer.p12` and `demo-filer.pem` (certificate + key) into `dir`
    /// (created if missing). Files holding a private key are written with mode 0600 on Unix.
    pub fn write_to(&self, dir: &Path, password: &str) -> Result<(), SignError> {
        std::fs::create_dir_all(dir).map_err(|source| SignError::Io {
            path: dir.to_owned(),
            source,
        })?;
        write_file(&dir.join("demo-ca.pem"), self.ca_pem()?.as_bytes(), false)?;
        write_file(
            &dir.join("demo-filer.p12"),
            &self.filer_p12(password)?,
            true,
        )?;
        let pem = format!("{}{}", self.filer_cert_pem()?, self.filer_key_pem()?);
        write_file(&dir.join("demo-filer.pem"), pem.as_bytes(), true)?;
        Ok(())
    }
}

fn write_file(path: &Path, bytes: &[u8], secret: bool) -> Result<(), SignError> {
    use std::io::Write;
    let io = |source| SignError::Io {
        path: path.to_owned(),
        source,
    };
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(if secret { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut f = opts.open(path).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    Ok(())
}

/// Demo CA (RSA 2048, self-signed, CA:TRUE, 10 years) and a demo filer certificate (2 years,
/// digitalSignature + nonRepudiation). Both start one hour before `now` to tolerate clock skew.
pub fn create_demo_pki(now: DateTime<Utc>) -> Result<DemoPki, SignError> {
    let ca = create_ca(DEMO_CA_CN, now, 3650)?;
    let filer = issue_cert(&ca, DEMO_FILER_CN, now, 730)?;
    Ok(DemoPki { ca, filer })
}

fn random_serial() -> Result<Asn1Integer, SignError> {
    let mut bytes = [0u8; 16];
    openssl::rand::rand_bytes(&mut bytes)?;
    bytes[0] &= 0x7F;
    bytes[0] |= 0x01;
    Ok(BigNum::from_slice(&bytes)?.to_asn1_integer()?)
}

fn demo_name(cn: &str) -> Result<openssl::x509::X509Name, SignError> {
    let mut name = X509NameBuilder::new()?;
    name.append_entry_by_nid(Nid::COUNTRYNAME, "SI")?;
    name.append_entry_by_nid(Nid::ORGANIZATIONNAME, DEMO_ORG)?;
    name.append_entry_by_nid(Nid::COMMONNAME, cn)?;
    Ok(name.build())
}

fn validity(builder: &mut X509Builder, now: DateTime<Utc>, days: u32) -> Result<(), SignError> {
    let start = now - Duration::hours(1);
    let end = now + Duration::days(i64::from(days));
    let not_before = Asn1Time::from_unix(start.timestamp() as _)?;
    let not_after = Asn1Time::from_unix(end.timestamp() as _)?;
    builder.set_not_before(&not_before)?;
    builder.set_not_after(&not_after)?;
    Ok(())
}

/// A self-signed CA (`CN=<cn>, O=writ DEMO, C=SI`, RSA 2048, CA:TRUE, keyCertSign + cRLSign).
pub fn create_ca(cn: &str, now: DateTime<Utc>, days: u32) -> Result<CertifiedKey, SignError> {
    let key = PKey::from_rsa(Rsa::generate(2048)?)?;
    let name = demo_name(cn)?;
    let mut b = X509Builder::new()?;
    b.set_version(2)?;
    let serial = random_serial()?;
    b.set_serial_number(&serial)?;
    b.set_subject_name(&name)?;
    b.set_issuer_name(&name)?;
    b.set_pubkey(&key)?;
    validity(&mut b, now, days)?;
    b.append_extension(BasicConstraints::new().critical().ca().build()?)?;
    b.append_extension(
        KeyUsage::new()
            .critical()
            .key_cert_sign()
            .crl_sign()
            .build()?,
    )?;
    let ski = SubjectKeyIdentifier::new().build(&b.x509v3_context(None, None))?;
    b.append_extension(ski)?;
    b.sign(&key, MessageDigest::sha256())?;
    Ok(CertifiedKey {
        cert: b.build(),
        key,
    })
}

/// Issue an end-entity signing certificate under `ca`: `CN=<subject_cn>, O=writ DEMO, C=SI`,
/// RSA 2048, CA:FALSE, key usage digitalSignature + nonRepudiation, valid from one hour before
/// `now` for `days` days. Used for the demo filer and the simulated court.
pub fn issue_cert(
    ca: &CertifiedKey,
    subject_cn: &str,
    now: DateTime<Utc>,
    days: u32,
) -> Result<CertifiedKey, SignError> {
    let key = PKey::from_rsa(Rsa::generate(2048)?)?;
    let mut b = X509Builder::new()?;
    b.set_version(2)?;
    let serial = random_serial()?;
    b.set_serial_number(&serial)?;
    let subject = demo_name(subject_cn)?;
    b.set_subject_name(&subject)?;
    b.set_issuer_name(ca.cert.subject_name())?;
    b.set_pubkey(&key)?;
    validity(&mut b, now, days)?;
    b.append_extension(BasicConstraints::new().critical().build()?)?;
    b.append_extension(
        KeyUsage::new()
            .critical()
            .digital_signature()
            .non_repudiation()
            .build()?,
    )?;
    let ski = SubjectKeyIdentifier::new().build(&b.x509v3_context(Some(&ca.cert), None))?;
    b.append_extension(ski)?;
    let aki = AuthorityKeyIdentifier::new()
        .keyid(true)
        .build(&b.x509v3_context(Some(&ca.cert), None))?;
    b.append_extension(aki)?;
    b.sign(&ca.key, MessageDigest::sha256())?;
    Ok(CertifiedKey {
        cert: b.build(),
        key,
    })
}

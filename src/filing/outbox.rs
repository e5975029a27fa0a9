//! The outbox connector: a folder per package for upload through the e-Sodstvo portal
//! ("uvoz podatkov iz datoteke"), kept as the record of what was sent.
//!
//! Layout: `OUTBOX/<package id>/package.xml`, `…/proposals/<proposal id>.xml`, and
//! `…/MANIFEST.sha256` (`sha256sum -c` format) listing every file. Each file is written to a
//! temporary name, synced and renamed, so a kill leaves either the old state or the whole file;
//! the manifest is written last, so its presence means the folder is complete.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::filing::package::sha256_hex;
use crate::store::packages::StoredPackage;

/// Writes `bytes` to `path` atomically (temp file, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp-writ");
    let named =
        |e: std::io::Error| std::io::Error::new(e.kind(), format!("{}: {e}", path.display()));
    {
        let mut f = fs::File::create(&tmp).map_err(named)?;
        f.write_all(bytes).map_err(named)?;
        f.sync_all().map_err(named)?;
    }
    fs::rename(&tmp, path).map_err(named)
}

/// Writes a stored package to `outbox`; returns its folder. Idempotent: the same stored bytes
/// give the same files.
pub fn write_package(outbox: &Path, pkg: &StoredPackage) -> std::io::Result<PathBuf> {
    let dir = outbox.join(&pkg.id);
    let proposals = dir.join("proposals");
    fs::create_dir_all(&proposals).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!("cannot create {}: {e}", proposals.display()),
        )
    })?;
    // Leftovers of a write that was killed half-way.
    for d in [&dir, &proposals] {
        for e in fs::read_dir(d)?.flatten() {
            if e.path().extension().is_some_and(|x| x == "tmp-writ") {
                let _ = fs::remove_file(e.path());
            }
        }
    }
    let mut manifest = String::new();
    for p in &pkg.proposals {
        let name = format!("proposals/{}.xml", p.id);
        write_atomic(&dir.join(&name), &p.xml)?;
        manifest.push_str(&format!("{}  {}\n", sha256_hex(&p.xml), name));
    }
    write_atomic(&dir.join("package.xml"), &pkg.xml)?;
    manifest.push_str(&format!("{}  package.xml\n", sha256_hex(&pkg.xml)));
    write_atomic(&dir.join("MANIFEST.sha256"), manifest.as_bytes())?;
    if let Ok(d) = fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(dir)
}

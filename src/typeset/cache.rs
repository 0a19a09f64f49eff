//! The on-disk cache of laid-out outputs. An entry is keyed by a fingerprint of
//! everything its layout reads (template, data, logos, date) and of the bipgen binary
//! that made it (which holds the fonts), so a hit gives the bytes a cold build would.
//!
//! Entries are written to a temporary file and renamed into place, so two builds sharing
//! the folder never see half an entry; each entry ends with a sha256 of its contents,
//! so a damaged one is detected, removed and made again. The folder is kept under a size
//! bound by removing the least recently used entries.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

/// What the entries start with; a different format is never read.
const MAGIC: &[u8] = b"bipgen-cache 1\n";

/// Default bound of the folder's size.
pub const DEFAULT_LIMIT: u64 = 1024 * 1024 * 1024;

/// The files of one entry: each a name and its bytes.
pub type Files = Vec<(String, Vec<u8>)>;

#[derive(Debug)]
pub struct OutputCache {
    dir: PathBuf,
    limit: u64,
    /// The binary that lays out: its version, size and modification time.
    identity: String,
    pub hits: AtomicUsize,
    pub misses: AtomicUsize,
    /// The folder's size as this process last knew it: what the last scan found plus
    /// what has been stored since. The folder is scanned again (and trimmed) only when
    /// this passes the bound, so storing hundreds of small entries (a large operation's
    /// charts) does not read the folder once per entry.
    known_size: AtomicU64,
}

/// `known_size` before the first scan.
const NOT_SCANNED: u64 = u64::MAX;

impl OutputCache {
    /// Opens (creating it) the cache folder `dir`, kept under `limit` bytes.
    pub fn open(dir: &Path, limit: u64) -> Result<OutputCache, String> {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(OutputCache {
            dir: dir.to_path_buf(),
            limit,
            identity: binary_identity(),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            known_size: AtomicU64::new(NOT_SCANNED),
        })
    }

    /// The user's cache folder for bipgen: `$XDG_CACHE_HOME/bipgen`, else
    /// `~/.cache/bipgen` (`%LOCALAPPDATA%\bipgen` on Windows).
    pub fn default_dir() -> Option<PathBuf> {
        let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        if let Some(dir) = non_empty("XDG_CACHE_HOME") {
            return Some(PathBuf::from(dir).join("bipgen"));
        }
        if cfg!(windows) {
            return non_empty("LOCALAPPDATA").map(|d| PathBuf::from(d).join("bipgen"));
        }
        non_empty("HOME").map(|home| PathBuf::from(home).join(".cache/bipgen"))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of an output of `kind` whose inputs have `fingerprint`.
    pub fn key(&self, kind: &str, fingerprint: &str) -> String {
        let mut hasher = Sha256::new();
        for part in [self.identity.as_str(), kind, fingerprint] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        hex(&hasher.finalize())
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.entry"))
    }

    /// The files stored under `key`; `None` when there is no entry, or a damaged one
    /// (which is removed).
    pub fn get(&self, key: &str) -> Option<Files> {
        let path = self.path(key);
        let found = fs::read(&path).ok().and_then(|bytes| decode(&bytes));
        match &found {
            Some(_) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                // Used now: the size bound removes the least recently used first.
                if let Ok(file) = fs::File::options().append(true).open(&path) {
                    let _ = file.set_modified(SystemTime::now());
                }
            }
            None => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                let _ = fs::remove_file(&path);
            }
        }
        found
    }

    /// Stores `files` under `key`. A cache that cannot be written only costs time later,
    /// so failures are ignored.
    pub fn put(&self, key: &str, files: &[(&str, &[u8])]) {
        let bytes = encode(files);
        if bytes.len() as u64 > self.limit {
            return;
        }
        let stored = tempfile::NamedTempFile::new_in(&self.dir).and_then(|mut file| {
            file.write_all(&bytes)?;
            file.persist(self.path(key)).map_err(|e| e.error)?;
            Ok(())
        });
        if stored.is_ok() {
            let added = bytes.len() as u64;
            let known =
                self.known_size
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |known| {
                        (known != NOT_SCANNED).then(|| known.saturating_add(added))
                    });
            if !matches!(known, Ok(before) if before.saturating_add(added) <= self.limit) {
                self.trim();
            }
        }
    }

    /// Removes the least recently used entries, when the folder is past its bound, until
    /// it is an eighth below. Another build sharing the folder is seen at the next scan:
    /// together two builds may pass the bound by what they store between their scans.
    pub fn trim(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        let mut files: Vec<(SystemTime, u64, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "entry"))
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                Some((meta.modified().ok()?, meta.len(), e.path()))
            })
            .collect();
        let mut total: u64 = files.iter().map(|(_, len, _)| len).sum();
        if total > self.limit {
            // An eighth below the bound, so that a full folder is not scanned again at
            // each of the next entries.
            let target = self.limit - self.limit / 8;
            files.sort();
            for (_, len, path) in files {
                if total <= target {
                    break;
                }
                if fs::remove_file(&path).is_ok() {
                    total -= len;
                }
            }
        }
        self.known_size.store(total, Ordering::Relaxed);
    }

    /// The size of the folder's entries, in bytes.
    pub fn size(&self) -> u64 {
        fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "entry"))
                    .filter_map(|e| e.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }
}

/// The files `make` makes, taken from `cache` when an entry of `kind` with `fingerprint`
/// is there, and stored in it when not.
pub fn cached(
    cache: Option<&OutputCache>,
    kind: &str,
    fingerprint: &str,
    make: impl FnOnce() -> Result<Files, String>,
) -> Result<Files, String> {
    let Some(cache) = cache else {
        return make();
    };
    let key = cache.key(kind, fingerprint);
    if let Some(files) = cache.get(&key) {
        return Ok(files);
    }
    let files = make()?;
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
        .collect();
    cache.put(&key, &borrowed);
    Ok(files)
}

/// The running binary, as far as the cache can tell it apart from another build of
/// bipgen: its version, size and modification time.
fn binary_identity() -> String {
    let exe = std::env::current_exe().ok();
    let meta = exe.as_ref().and_then(|p| fs::metadata(p).ok());
    let modified = meta
        .as_ref()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!(
        "bipgen {} {} {modified}",
        env!("CARGO_PKG_VERSION"),
        meta.map_or(0, |m| m.len())
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `MAGIC`, the number of files, each file's name and bytes (length first), then the
/// sha256 of all of it.
fn encode(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend((files.len() as u64).to_le_bytes());
    for (name, bytes) in files {
        out.extend((name.len() as u64).to_le_bytes());
        out.extend(name.as_bytes());
        out.extend((bytes.len() as u64).to_le_bytes());
        out.extend(*bytes);
    }
    let digest = Sha256::digest(&out);
    out.extend(digest);
    out
}

fn decode(bytes: &[u8]) -> Option<Files> {
    let (body, digest) = bytes.split_at_checked(bytes.len().checked_sub(32)?)?;
    if Sha256::digest(body).as_slice() != digest {
        return None;
    }
    let mut reader = Reader(body.strip_prefix(MAGIC)?);
    let count = reader.number()?;
    let mut files = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        let len = reader.number()?;
        let name = String::from_utf8(reader.take(len)?.to_vec()).ok()?;
        let len = reader.number()?;
        files.push((name, reader.take(len)?.to_vec()));
    }
    Some(files)
}

/// Reads an entry front to back.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let (head, tail) = self.0.split_at_checked(len)?;
        self.0 = tail;
        Some(head)
    }

    fn number(&mut self) -> Option<usize> {
        usize::try_from(u64::from_le_bytes(self.take(8)?.try_into().ok()?)).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(limit: u64) -> (tempfile::TempDir, OutputCache) {
        let dir = tempfile::tempdir().unwrap();
        let cache = OutputCache::open(dir.path(), limit).unwrap();
        (dir, cache)
    }

    #[test]
    fn what_is_put_comes_back() {
        let (_dir, cache) = cache(DEFAULT_LIMIT);
        let key = cache.key("form-book", "abc");
        assert!(cache.get(&key).is_none());
        cache.put(&key, &[("a.pdf", b"%PDF-1"), ("b.pdf", b"")]);
        assert_eq!(
            cache.get(&key).unwrap(),
            vec![
                ("a.pdf".into(), b"%PDF-1".to_vec()),
                ("b.pdf".into(), vec![])
            ]
        );
        assert_ne!(cache.key("form-book", "abd"), key);
        assert_ne!(cache.key("sop-pdf", "abc"), key);
    }

    #[test]
    fn a_damaged_entry_is_a_miss_and_is_removed() {
        let (_dir, cache) = cache(DEFAULT_LIMIT);
        let key = cache.key("sop-pdf", "x");
        cache.put(&key, &[("sop.pdf", b"%PDF-1.7 content")]);
        let path = cache.path(&key);
        let mut bytes = fs::read(&path).unwrap();
        for at in [MAGIC.len() + 20, bytes.len() - 1] {
            bytes[at] ^= 0x20;
            fs::write(&path, &bytes).unwrap();
            assert!(cache.get(&key).is_none());
            assert!(!path.exists());
            bytes[at] ^= 0x20;
        }
        fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        assert!(cache.get(&key).is_none());
        fs::write(&path, b"").unwrap();
        assert!(cache.get(&key).is_none());
    }

    #[test]
    fn the_folder_stays_within_its_bound_and_keeps_what_was_used_last() {
        let (_dir, cache) = cache(10_000);
        let payload = vec![7u8; 3_000];
        let keys: Vec<String> = (0..6).map(|i| cache.key("k", &i.to_string())).collect();
        for (i, key) in keys.iter().enumerate() {
            cache.put(key, &[("f", &payload)]);
            assert!(cache.size() <= 10_000, "after {i}: {}", cache.size());
            std::thread::sleep(std::time::Duration::from_millis(15));
            // The first stays in use; it survives while others go.
            assert!(cache.get(&keys[0]).is_some(), "after {i}");
            std::thread::sleep(std::time::Duration::from_millis(15));
        }
        assert!(cache.get(&keys[1]).is_none());
        assert!(cache.get(&keys[5]).is_some());
        // A trim leaves room below the bound, so a full folder is not scanned at each entry.
        assert!(cache.size() <= 10_000 - 10_000 / 8, "{}", cache.size());
        // An entry larger than the bound is not kept at all.
        let big = vec![0u8; 20_000];
        cache.put(&cache.key("k", "big"), &[("f", &big)]);
        assert!(cache.size() <= 10_000);
    }
}

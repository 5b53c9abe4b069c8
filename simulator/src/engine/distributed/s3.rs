//! Where a simulation's S3 is: a folder (`DIR/BUCKET/KEY` is the object `s3://BUCKET/KEY`) and
//! objects a test case gives (`"bucket/key"` → text, or a file's content), the latter first.
//! Plain data, as the front ends hand it down: the engine reads files only when a reader asks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct S3Source {
    /// `root/BUCKET/KEY` is an object; ResultWriter writes there too.
    pub root: Option<PathBuf>,
    /// `"bucket/key"` → the object.
    pub objects: BTreeMap<String, S3Object>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum S3Object {
    Text(String),
    /// The content of this file (a relative path is taken from the mock file's folder).
    File(PathBuf),
}

/// One object as `s3:listObjectsV2` describes it to a Distributed Map.
pub(super) struct Listed {
    pub key: String,
    pub size: u64,
    pub etag: String,
    /// Seconds since the Unix epoch.
    pub last_modified: i64,
}

impl S3Source {
    /// Nothing stands for S3: readers are mocked like Tasks.
    pub fn is_empty(&self) -> bool {
        self.root.is_none() && self.objects.is_empty()
    }

    /// Relative paths (the root's, the files') taken from `base`.
    #[must_use]
    pub fn resolved(mut self, base: &Path) -> Self {
        let join = |p: &PathBuf| {
            if p.is_relative() {
                base.join(p)
            } else {
                p.clone()
            }
        };
        self.root = self.root.as_ref().map(join);
        for object in self.objects.values_mut() {
            if let S3Object::File(path) = object {
                *path = join(path);
            }
        }
        self
    }

    /// The object's bytes; `Ok(None)` when there is none; `Err` when it cannot be read.
    pub(super) fn get(&self, bucket: &str, key: &str) -> Result<Option<Vec<u8>>, String> {
        if let Some(object) = self.objects.get(&format!("{bucket}/{key}")) {
            return match object {
                S3Object::Text(text) => Ok(Some(text.as_bytes().to_vec())),
                S3Object::File(path) => std::fs::read(path)
                    .map(Some)
                    .map_err(|e| format!("{}: {e}", path.display())),
            };
        }
        let Some(path) = self.path(bucket, key) else {
            return Ok(None);
        };
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(_) if path.is_dir() => Err(format!("{}: a folder, not an object", path.display())),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Does the bucket exist (a folder under the root, or a given object in it)?
    pub(super) fn has_bucket(&self, bucket: &str) -> bool {
        self.objects
            .keys()
            .any(|k| k.split_once('/').is_some_and(|(b, _)| b == bucket))
            || self.root.as_ref().is_some_and(|r| r.join(bucket).is_dir())
    }

    /// The bucket's objects whose keys start with `prefix`, in S3's order (by key, bytewise).
    pub(super) fn list(&self, bucket: &str, prefix: &str, now_s: i64) -> Vec<Listed> {
        let mut found: BTreeMap<String, Listed> = BTreeMap::new();
        if let Some(dir) = self.root.as_ref().map(|r| r.join(bucket)) {
            let mut keys = Vec::new();
            walk(&dir, "", &mut keys);
            for (key, path) in keys.into_iter().filter(|(k, _)| k.starts_with(prefix)) {
                let Ok(bytes) = std::fs::read(&path) else {
                    continue;
                };
                let modified = std::fs::metadata(&path)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(now_s, |d| d.as_secs() as i64);
                found.insert(key.clone(), listed(key, &bytes, modified));
            }
        }
        for (name, object) in &self.objects {
            let Some(key) = name
                .strip_prefix(bucket)
                .and_then(|k| k.strip_prefix('/'))
                .filter(|k| k.starts_with(prefix))
            else {
                continue;
            };
            let bytes = match object {
                S3Object::Text(text) => text.as_bytes().to_vec(),
                S3Object::File(path) => std::fs::read(path).unwrap_or_default(),
            };
            found.insert(key.to_string(), listed(key.to_string(), &bytes, now_s));
        }
        found.into_values().collect()
    }

    /// Write an object into the folder; `Ok(false)` when there is no folder to write to.
    pub(super) fn put(&self, bucket: &str, key: &str, bytes: &[u8]) -> Result<bool, String> {
        let Some(path) = self.path(bucket, key) else {
            return Ok(false);
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(true)
    }

    /// The file standing for an object, if there is a folder and the key stays inside it.
    fn path(&self, bucket: &str, key: &str) -> Option<PathBuf> {
        let root = self.root.as_ref()?;
        let inside = |part: &str| !part.is_empty() && part != "." && part != "..";
        if !inside(bucket) || bucket.contains('/') || !key.split('/').all(inside) {
            return None;
        }
        Some(
            key.split('/')
                .fold(root.join(bucket), |p, part| p.join(part)),
        )
    }
}

fn listed(key: String, bytes: &[u8], last_modified: i64) -> Listed {
    let digest = Md5::digest(bytes);
    let etag = format!("\"{}\"", crate::engine::hex(&digest));
    Listed {
        key,
        size: bytes.len() as u64,
        etag,
        last_modified,
    }
}

/// Every file under `dir`, as keys (`a/b.csv`) with their paths.
fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let key = format!("{prefix}{name}");
        let path = entry.path();
        if path.is_dir() {
            walk(&path, &format!("{key}/"), out);
        } else {
            out.push((key, path));
        }
    }
}

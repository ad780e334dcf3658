//! Objects through `object_store`: a local directory by default, any
//! S3-compatible store for scale. Files go in and out as streams (large
//! ones as multipart uploads) with their SHA-256 taken on the way.
//!
//! Keys: `orgs/ORG/videos/VIDEO/original.EXT`, `orgs/ORG/jobs/JOB/aN/NAME`
//! (one prefix per attempt, so a stale worker never overwrites the files
//! of the run that was recorded), `orgs/ORG/files/ID/NAME`.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::signer::Signer;
use object_store::{ObjectStore, PutPayload, WriteMultipart};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::config::{ServerConfig, StoreConfig};

/// Parts of multipart uploads (S3's minimum part is 5 MiB).
const PART_BYTES: usize = 8 << 20;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Store(#[from] object_store::Error),
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("invalid object key {0:?}")]
    Key(String),
}

impl From<StoreError> for crate::error::ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Store(e) => e.into(),
            other => crate::error::ApiError::internal(other),
        }
    }
}

/// What was stored: size and SHA-256 (hex).
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub size: u64,
    pub sha256: String,
}

#[derive(Clone)]
pub struct Store {
    inner: Arc<dyn ObjectStore>,
    signer: Option<Arc<AmazonS3>>,
    description: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description)
    }
}

fn key(k: &str) -> Result<ObjectPath, StoreError> {
    ObjectPath::parse(k).map_err(|_| StoreError::Key(k.to_owned()))
}

impl Store {
    /// The store `config` describes.
    pub fn open(config: &ServerConfig) -> Result<Self, StoreError> {
        match &config.store {
            StoreConfig::Local { dir } => {
                let dir = dir.clone().unwrap_or_else(|| config.data_dir.join("objects"));
                std::fs::create_dir_all(&dir)
                    .map_err(|source| StoreError::Io { path: dir.display().to_string(), source })?;
                let local = LocalFileSystem::new_with_prefix(&dir)?;
                Ok(Self { inner: Arc::new(local), signer: None, description: format!("local:{}", dir.display()) })
            }
            StoreConfig::S3(s3) => {
                let mut builder = AmazonS3Builder::new()
                    .with_bucket_name(&s3.bucket)
                    .with_region(&s3.region)
                    .with_allow_http(s3.allow_http)
                    .with_virtual_hosted_style_request(s3.virtual_hosted_style);
                if let Some(endpoint) = &s3.endpoint {
                    builder = builder.with_endpoint(endpoint);
                }
                if let (Some(id), Some(secret)) = (&s3.access_key_id, &s3.secret_access_key) {
                    builder = builder.with_access_key_id(id).with_secret_access_key(&secret.0);
                }
                let s3_store = Arc::new(builder.build()?);
                Ok(Self {
                    inner: s3_store.clone(),
                    signer: Some(s3_store),
                    description: format!("s3:{}", s3.bucket),
                })
            }
        }
    }

    /// Whether clients can upload straight into the store (presigned PUT).
    pub fn can_presign(&self) -> bool {
        self.signer.is_some()
    }

    /// A URL that lets its holder PUT `key` for `expires`.
    pub async fn presign_put(&self, k: &str, expires: Duration) -> Result<Option<url::Url>, StoreError> {
        match &self.signer {
            Some(signer) => Ok(Some(signer.signed_url(axum::http::Method::PUT, &key(k)?, expires).await?)),
            None => Ok(None),
        }
    }

    /// Store the file at `path` under `k`, streaming it.
    pub async fn put_file(&self, k: &str, path: &Path) -> Result<Stored, StoreError> {
        let io = |source| StoreError::Io { path: path.display().to_string(), source };
        let mut file = tokio::fs::File::open(path).await.map_err(io)?;
        let len = file.metadata().await.map_err(io)?.len();
        let location = key(k)?;
        let mut hasher = Sha256::new();
        if len <= PART_BYTES as u64 {
            let mut bytes = Vec::with_capacity(len as usize);
            file.read_to_end(&mut bytes).await.map_err(io)?;
            hasher.update(&bytes);
            let size = bytes.len() as u64;
            self.inner.put(&location, PutPayload::from(bytes)).await?;
            return Ok(Stored { size, sha256: hex::encode(hasher.finalize()) });
        }
        let upload = self.inner.put_multipart(&location).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut buf = vec![0u8; 1 << 20];
        let mut size = 0u64;
        loop {
            let n = file.read(&mut buf).await.map_err(io)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            size += n as u64;
            writer.wait_for_capacity(4).await?;
            writer.write(&buf[..n]);
        }
        writer.finish().await?;
        Ok(Stored { size, sha256: hex::encode(hasher.finalize()) })
    }

    /// Store `bytes` under `k`.
    pub async fn put_bytes(&self, k: &str, bytes: Bytes) -> Result<Stored, StoreError> {
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let size = bytes.len() as u64;
        self.inner.put(&key(k)?, PutPayload::from(bytes)).await?;
        Ok(Stored { size, sha256 })
    }

    /// Copy `k` into a local file (created or truncated).
    pub async fn get_to_file(&self, k: &str, path: &Path) -> Result<u64, StoreError> {
        let io = |source| StoreError::Io { path: path.display().to_string(), source };
        let mut stream = self.inner.get(&key(k)?).await?.into_stream();
        let mut file = tokio::fs::File::create(path).await.map_err(io)?;
        let mut size = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            size += chunk.len() as u64;
            file.write_all(&chunk).await.map_err(io)?;
        }
        file.flush().await.map_err(io)?;
        Ok(size)
    }

    /// `k`'s bytes as a stream, with its size.
    pub async fn get_stream(
        &self,
        k: &str,
    ) -> Result<(u64, BoxStream<'static, Result<Bytes, object_store::Error>>), StoreError> {
        let result = self.inner.get(&key(k)?).await?;
        let size = result.meta.size;
        Ok((size, result.into_stream()))
    }

    /// Bytes `start..end` of `k` as a stream.
    pub async fn get_range_stream(
        &self,
        k: &str,
        start: u64,
        end: u64,
    ) -> Result<BoxStream<'static, Result<Bytes, object_store::Error>>, StoreError> {
        let options = object_store::GetOptions { range: Some((start..end).into()), ..Default::default() };
        Ok(self.inner.get_opts(&key(k)?, options).await?.into_stream())
    }

    /// `k`'s size, if it exists.
    pub async fn size_of(&self, k: &str) -> Result<Option<u64>, StoreError> {
        match self.inner.head(&key(k)?).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Remove `k` (absent is fine).
    pub async fn delete(&self, k: &str) -> Result<(), StoreError> {
        match self.inner.delete(&key(k)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Remove every key in `keys`, logging (not failing on) errors.
    pub async fn delete_all(&self, keys: &[String]) {
        for k in keys {
            if let Err(e) = self.delete(k).await {
                tracing::warn!(key = %k, error = %e, "could not delete an object");
            }
        }
    }

    /// Readiness: the store answers (a missing key is an answer).
    pub async fn check(&self) -> Result<(), StoreError> {
        self.size_of("readyz-probe").await.map(|_| ())
    }
}

/// The key of a video's original file.
pub fn video_key(org: &str, video: &str, filename: &str) -> String {
    format!("orgs/{org}/videos/{video}/original{}", extension_of(filename))
}

/// The key of a job's output file `name` (a relative path) in `attempt`.
pub fn job_key(org: &str, job: &str, attempt: i64, name: &str) -> String {
    format!("orgs/{org}/jobs/{job}/a{attempt}/{name}")
}

/// The key of a client-uploaded file.
pub fn file_key(org: &str, id: &str, filename: &str) -> String {
    format!("orgs/{org}/files/{id}/file{}", extension_of(filename))
}

/// `.ext` of a file name when it is short and plain, else nothing.
pub fn extension_of(filename: &str) -> String {
    match Path::new(filename).extension().and_then(|e| e.to_str()) {
        Some(ext) if !ext.is_empty() && ext.len() <= 8 && ext.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            format!(".{}", ext.to_ascii_lowercase())
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_only_plain_extensions() {
        assert_eq!(video_key("o", "v", "talk.MP4"), "orgs/o/videos/v/original.mp4");
        assert_eq!(video_key("o", "v", "../../etc/passwd"), "orgs/o/videos/v/original");
        assert_eq!(extension_of("x.tar.gz"), ".gz");
        assert_eq!(extension_of("x.<script>"), "");
    }

    #[tokio::test]
    async fn local_files_round_trip_with_their_digest() {
        let dir = tempfile::tempdir().unwrap();
        let config = ServerConfig { data_dir: dir.path().into(), ..ServerConfig::default() };
        let store = Store::open(&config).unwrap();
        let src = dir.path().join("src.bin");
        let bytes: Vec<u8> = (0..(PART_BYTES + 12345)).map(|i| (i % 251) as u8).collect();
        std::fs::write(&src, &bytes).unwrap();
        let stored = store.put_file("a/b/c.bin", &src).await.unwrap();
        assert_eq!(stored.size, bytes.len() as u64);
        assert_eq!(stored.sha256, hex::encode(Sha256::digest(&bytes)));
        let back = dir.path().join("back.bin");
        assert_eq!(store.get_to_file("a/b/c.bin", &back).await.unwrap(), bytes.len() as u64);
        assert_eq!(std::fs::read(&back).unwrap(), bytes);
        assert_eq!(store.size_of("a/b/c.bin").await.unwrap(), Some(bytes.len() as u64));
        store.delete("a/b/c.bin").await.unwrap();
        assert_eq!(store.size_of("a/b/c.bin").await.unwrap(), None);
        assert!(store.put_bytes("../x", Bytes::from_static(b"x")).await.is_err());
    }
}

//! Where media bytes live: a folder on this machine (the default) or a bucket of any
//! S3-compatible store, named by `GRIDLINE_MEDIA_URL` (`file:///srv/media`,
//! `s3://bucket/prefix`). The S3 credentials, region and endpoint come from the usual
//! AWS variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
//! `AWS_ENDPOINT_URL` for a store that is not AWS) and are never logged. Objects are
//! named by their SHA-256, two hex digits of fan-out first.
//!
//! S3 is spoken through `object_store`'s AWS client over the server's own `reqwest`
//! (see [`ReqwestConnector`]), so no second HTTP and TLS stack is built in.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt as _, PutPayload};
use sha2::{Digest, Sha256};

use crate::config::Config;

/// Where media bytes live.
#[derive(Clone)]
pub struct MediaStore {
    objects: Arc<dyn ObjectStore>,
}

impl MediaStore {
    /// The media store `GRIDLINE_MEDIA_URL` names, or the data folder's `media`.
    pub fn from_config(config: &Config) -> std::io::Result<MediaStore> {
        match config.media_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => {
                let vars: Vec<(String, String)> = if config.media_settings.is_empty() {
                    std::env::vars().collect()
                } else {
                    config.media_settings.clone()
                };
                MediaStore::open(url, vars)
            }
            _ => MediaStore::local(&config.media_dir()),
        }
    }

    /// A folder on this machine (created when missing).
    pub fn local(dir: &Path) -> std::io::Result<MediaStore> {
        std::fs::create_dir_all(dir)?;
        let objects = LocalFileSystem::new_with_prefix(dir).map_err(std::io::Error::other)?;
        Ok(MediaStore {
            objects: Arc::new(objects),
        })
    }

    /// The store `url` names: `file://PATH` (a folder) or `s3://BUCKET[/PREFIX]`, set up
    /// by the `AWS_*` settings among `vars` (the process's environment, as the AWS
    /// tools read it). Nothing is contacted yet.
    pub fn open(
        url: &str,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> std::io::Result<MediaStore> {
        use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
        let invalid = |why: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, why);
        if let Some(path) = url.strip_prefix("file://") {
            return MediaStore::local(Path::new(path));
        }
        let Some(rest) = url.strip_prefix("s3://") else {
            return Err(invalid(
                "GRIDLINE_MEDIA_URL is file://PATH or s3://BUCKET/PREFIX".into(),
            ));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(invalid("GRIDLINE_MEDIA_URL names no bucket".into()));
        }
        let mut builder = AmazonS3Builder::new();
        let mut plain_http = false;
        for (key, value) in vars {
            if !key.starts_with("AWS_") {
                continue;
            }
            if let Ok(config) = key.to_ascii_lowercase().parse::<AmazonS3ConfigKey>() {
                // A local store (MinIO, moto, a city's own) is often plain http.
                plain_http |=
                    matches!(config, AmazonS3ConfigKey::Endpoint) && value.starts_with("http://");
                builder = builder.with_config(config, value);
            }
        }
        let s3 = builder
            .with_bucket_name(bucket)
            .with_allow_http(plain_http)
            .with_http_connector(ReqwestConnector)
            .build()
            .map_err(|e| invalid(format!("the S3 media store: {e}")))?;
        let prefix = prefix.trim_matches('/');
        let objects: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(s3)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(s3, prefix))
        };
        Ok(MediaStore { objects })
    }

    fn path(id: &str) -> ObjectPath {
        // Two hex digits of fan-out keep folders small.
        ObjectPath::from(format!("{}/{id}", &id[..2]))
    }

    /// Stores `bytes` and returns their id (SHA-256, hex). Storing the same bytes twice
    /// writes the same object.
    pub async fn put(&self, bytes: Bytes) -> object_store::Result<String> {
        let id = hex::encode(Sha256::digest(&bytes));
        self.objects
            .put(&Self::path(&id), PutPayload::from(bytes))
            .await?;
        Ok(id)
    }

    pub async fn get(&self, id: &str) -> object_store::Result<Bytes> {
        self.objects.get(&Self::path(id)).await?.bytes().await
    }

    /// Deletes the bytes of `id`; gone already is fine.
    pub async fn delete(&self, id: &str) -> object_store::Result<()> {
        match self.objects.delete(&Self::path(id)).await {
            Err(object_store::Error::NotFound { .. }) => Ok(()),
            other => other,
        }
    }
}

/// `object_store`'s HTTP client over the server's `reqwest` (its own needs another
/// major version of reqwest and another TLS provider). Timeouts and retries are
/// `object_store`'s; redirects are not followed.
#[derive(Debug, Clone, Copy)]
pub struct ReqwestConnector;

impl object_store::client::HttpConnector for ReqwestConnector {
    fn connect(
        &self,
        _options: &object_store::ClientOptions,
    ) -> object_store::Result<object_store::client::HttpClient> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(std::time::Duration::from_secs(5))
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .map_err(|e| object_store::Error::Generic {
                store: "S3",
                source: Box::new(e),
            })?;
        Ok(object_store::client::HttpClient::new(ReqwestService(
            client,
        )))
    }
}

#[derive(Debug)]
struct ReqwestService(reqwest::Client);

#[async_trait::async_trait]
impl object_store::client::HttpService for ReqwestService {
    async fn call(
        &self,
        request: object_store::client::HttpRequest,
    ) -> Result<object_store::client::HttpResponse, object_store::client::HttpError> {
        use http_body_util::BodyExt as _;
        use object_store::client::{HttpError, HttpErrorKind, HttpResponseBody};
        let (parts, body) = request.into_parts();
        let request = axum::http::Request::from_parts(parts, reqwest::Body::wrap(body));
        let request = reqwest::Request::try_from(request)
            .map_err(|e| HttpError::new(HttpErrorKind::Request, e))?;
        let response = self.0.execute(request).await.map_err(|e| {
            let kind = if e.is_timeout() {
                HttpErrorKind::Timeout
            } else if e.is_connect() {
                HttpErrorKind::Connect
            } else {
                HttpErrorKind::Request
            };
            HttpError::new(kind, e)
        })?;
        let response: axum::http::Response<reqwest::Body> = response.into();
        Ok(response.map(|body| {
            HttpResponseBody::new(body.map_err(|e| {
                let kind = if e.is_timeout() {
                    HttpErrorKind::Timeout
                } else {
                    HttpErrorKind::Interrupted
                };
                HttpError::new(kind, e)
            }))
        }))
    }
}

//! The reelkit reference server: a thin HTTP face over the `reelkit` core.
//! Every media operation is a call into the library; this crate only
//! handles HTTP, uploads and error mapping.

pub mod config;
pub mod error;
mod routes;

pub use config::ServerConfig;
pub use error::ApiError;
pub use routes::router;

use tokio::net::TcpListener;

/// Serve until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    config: ServerConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(config);
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

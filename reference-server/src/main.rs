//! `reelkit-server serve --addr 127.0.0.1:8080 --data DIR` — the API with an
//! embedded worker (SQLite and a local store under DIR by default);
//! `reelkit-server worker` — a worker alone, for scale-out;
//! `reelkit-server check-config` — load and validate the settings.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use reelkit_server::config::parse_addr;
use reelkit_server::ServerConfig;

#[derive(Debug, Parser)]
#[command(name = "reelkit-server", version, about = "reelkit reference server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct Common {
    /// Settings file (TOML); the environment overrides it, flags override both.
    /// (env REELKIT_CONFIG)
    #[arg(long)]
    config: Option<PathBuf>,
    /// Data directory: SQLite database, local store, scratch (default ./reelkit-data).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Database URL (`sqlite://FILE` or `postgres://...`; default SQLite in the data directory).
    #[arg(long)]
    database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API (with an embedded worker unless --no-worker).
    Serve {
        /// Listen address (default 127.0.0.1:8080).
        #[arg(long, value_parser = parse_addr)]
        addr: Option<SocketAddr>,
        /// Run no worker in this process (workers run apart).
        #[arg(long)]
        no_worker: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Run a worker: claim queued jobs and run them.
    Worker {
        /// Serve /healthz, /readyz and /metrics on this address.
        #[arg(long, value_parser = parse_addr)]
        addr: Option<SocketAddr>,
        /// Jobs run at a time (default from the settings: 2).
        #[arg(long)]
        concurrency: Option<usize>,
        /// Name in job runs and logs (default host-pid).
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Load and validate the settings, print them (secrets hidden), exit.
    CheckConfig {
        #[command(flatten)]
        common: Common,
    },
}

fn load(common: &Common, adjust: impl FnOnce(&mut ServerConfig)) -> Result<ServerConfig, String> {
    let file = common.config.clone().or_else(|| std::env::var_os("REELKIT_CONFIG").map(PathBuf::from));
    let mut config = ServerConfig::load(file.as_deref()).map_err(|e| e.to_string())?;
    if let Some(data) = &common.data {
        config.data_dir = data.clone();
    }
    if let Some(url) = &common.database_url {
        config.database_url = Some(url.clone());
    }
    adjust(&mut config);
    config.validate().map_err(|e| e.to_string())?;
    Ok(config)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("REELKIT_LOG").unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve { addr, no_worker, common } => {
            let config = match load(&common, |c| {
                if let Some(addr) = addr {
                    c.addr = addr;
                }
                if no_worker {
                    c.embedded_worker = false;
                }
            }) {
                Ok(c) => c,
                Err(e) => return fail(2, &e),
            };
            let listener = match tokio::net::TcpListener::bind(config.addr).await {
                Ok(l) => l,
                Err(e) => return fail(1, &format!("cannot listen on {}: {e}", config.addr)),
            };
            let local = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
            tracing::info!(addr = %local, worker = config.embedded_worker, "reelkit-server listening");
            reelkit_server::serve(listener, config, shutdown_signal()).await
        }
        Command::Worker { addr, concurrency, name, common } => {
            let config = match load(&common, |c| {
                if let Some(n) = concurrency {
                    c.worker.concurrency = n;
                }
                if let Some(name) = name {
                    c.worker.name = Some(name);
                }
            }) {
                Ok(c) => c,
                Err(e) => return fail(2, &e),
            };
            let health = match addr {
                Some(addr) => match tokio::net::TcpListener::bind(addr).await {
                    Ok(l) => Some(l),
                    Err(e) => return fail(1, &format!("cannot listen on {addr}: {e}")),
                },
                None => None,
            };
            reelkit_server::run_worker(config, health, shutdown_signal()).await
        }
        Command::CheckConfig { common } => {
            return match load(&common, |_| {}) {
                Ok(config) => {
                    println!("{config:#?}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(2, &e),
            };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(1, &e.to_string()),
    }
}

fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}

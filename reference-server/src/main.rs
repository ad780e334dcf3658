//! `reelkit-server serve --addr 127.0.0.1:8080 --data DIR`

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use reelkit_server::config::parse_addr;
use reelkit_server::ServerConfig;

#[derive(Debug, Parser)]
#[command(name = "reelkit-server", version, about = "reelkit reference server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API.
    Serve {
        /// Listen address (env REELKIT_ADDR; default 127.0.0.1:8080).
        #[arg(long, value_parser = |s: &str| parse_addr("--addr", s).map_err(|e| e.to_string()))]
        addr: Option<SocketAddr>,
        /// Data directory (env REELKIT_DATA; default ./reelkit-data).
        #[arg(long)]
        data: Option<PathBuf>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("REELKIT_LOG").unwrap_or_else(|_| "info".into()),
        )
        .init();
    let Cli { command: Command::Serve { addr, data } } = Cli::parse();
    let mut config = match ServerConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(addr) = addr {
        config.addr = addr;
    }
    if let Some(data) = data {
        config.data_dir = data;
    }
    if let Err(e) = std::fs::create_dir_all(&config.data_dir) {
        eprintln!("error: cannot create data directory {}: {e}", config.data_dir.display());
        return ExitCode::from(1);
    }
    let listener = match tokio::net::TcpListener::bind(config.addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", config.addr);
            return ExitCode::from(1);
        }
    };
    tracing::info!(addr = %listener.local_addr().map(|a| a.to_string()).unwrap_or_default(), "reelkit-server listening");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    };
    match reelkit_server::serve(listener, config, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
